namespace Mailroom.Server.Admin;

/// <summary>
/// The operation-log endpoint names of administrative actions, which the console and the operator
/// commands share (their channel tells them apart); directory changes made in the console are
/// logged under the open protocol's own names (user/sync, party/sync, group/add, ...).
/// </summary>
internal static class AdminOperations
{
    public const string Create = "admin/create";
    public const string RotateKey = "admin/rotate-key";
    public const string RevealKey = "admin/reveal-key";
    public const string EnableApi = "admin/enable-api";
    public const string DisableApi = "admin/disable-api";
    public const string SetAccess = "admin/set-access";
    public const string SetPassword = "admin/set-password";
    public const string Login = "admin/login";
    public const string Import = "admin/import";
}
