using Mailroom.Server.Sso;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Authorization;

namespace Mailroom.Server.Webmail;

/// <summary>
/// What every webmail page shares beyond <see cref="PrivatePageModel"/>: a signed-in member (the
/// session is checked on every request; without one the browser goes to the sign-in page), whose id
/// scopes everything the page reads or changes.
/// </summary>
[Authorize(Policy = WebmailSession.Policy)]
internal abstract class WebmailPageModel(UiText text) : PrivatePageModel(text)
{
    /// <summary>The signed-in member; the authorization policy guarantees one.</summary>
    public SignedInMember Member => SignedInMember.Of(HttpContext) ?? throw new InvalidOperationException("A webmail page ran without a signed-in member.");
}
