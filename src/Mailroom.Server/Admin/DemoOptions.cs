namespace Mailroom.Server.Admin;

/// <summary>The demo enterprise created on first start with an empty database; binds "Mailroom:Demo".</summary>
internal sealed class DemoOptions
{
    public const string Section = "Mailroom:Demo";

    /// <summary>False: start with no enterprise at all (create them with <c>enterprise create</c>).</summary>
    public bool Enabled { get; set; } = true;

    public string Domain { get; set; } = "gzdev.com";

    public string Admin { get; set; } = "admin";

    /// <summary>The interface key to use; when empty one is generated and printed once.</summary>
    public string? Secret { get; set; }

    /// <summary>The administrator's console password; when empty one is generated and printed once.</summary>
    public string? AdminPassword { get; set; }
}
