using System.Globalization;
using System.Security.Claims;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Admin;

/// <summary>
/// A signed-in administrator, as the console's cookie carries it: the enterprise it administers
/// (every console query is scoped by it), its client, and the stamp of the password it signed in
/// with. Nothing in the console takes an enterprise from the request.
/// </summary>
internal sealed record AdminSession(long EnterpriseId, long ClientKey, string ClientId, string Stamp)
{
    /// <summary>The console's own cookie authentication scheme.</summary>
    public const string Scheme = "MailroomAdmin";

    /// <summary>The authorization policy of every console page but the sign-in page.</summary>
    public const string Policy = "MailroomAdmin";

    private const string EnterpriseClaim = "mailroom:enterprise";
    private const string ClientClaim = "mailroom:client";
    private const string StampClaim = "mailroom:stamp";

    /// <summary>The open-protocol caller the console acts as when it calls the directory services.</summary>
    public ApiCaller Caller => new(EnterpriseId, ClientKey, ClientId);

    public static AdminSession? From(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true, AuthenticationType: Scheme }
            || !long.TryParse(user.FindFirstValue(EnterpriseClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var enterpriseId)
            || !long.TryParse(user.FindFirstValue(ClientClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var clientKey)
            || user.FindFirstValue(ClaimTypes.Name) is not { } clientId
            || user.FindFirstValue(StampClaim) is not { } stamp)
        {
            return null;
        }

        return new AdminSession(enterpriseId, clientKey, clientId, stamp);
    }

    public ClaimsPrincipal ToPrincipal() =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, ClientId),
                new Claim(EnterpriseClaim, EnterpriseId.ToString(CultureInfo.InvariantCulture)),
                new Claim(ClientClaim, ClientKey.ToString(CultureInfo.InvariantCulture)),
                new Claim(StampClaim, Stamp),
            ],
            Scheme));
}
