namespace Mailroom.Server.Sso;

/// <summary>
/// The member a request's webmail session belongs to, as the directory has it now (checked on every
/// request). Webmail pages scope every query by <see cref="MemberId"/>.
/// </summary>
internal sealed record SignedInMember(long MemberId, long EnterpriseId, string Address, string Name)
{
    /// <summary>The signed-in member of this request; null when it has no valid webmail session.</summary>
    public static SignedInMember? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.Identity is { IsAuthenticated: true, AuthenticationType: WebmailSession.Scheme }
            ? context.Features.Get<SignedInMember>()
            : null;
    }
}
