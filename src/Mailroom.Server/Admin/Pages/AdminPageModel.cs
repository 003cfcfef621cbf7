using System.Net;
using Mailroom.Server.Protocol;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Authorization;

namespace Mailroom.Server.Admin.Pages;

/// <summary>
/// What every console page model shares beyond <see cref="PrivatePageModel"/>: the signed-in
/// administrator, whose enterprise scopes everything the page reads or changes. Every console
/// page requires a signed-in administrator, except those that allow anonymous callers themselves
/// (the sign-in page).
/// </summary>
[Authorize(Policy = AdminSession.Policy)]
internal abstract class AdminPageModel(UiText text) : PrivatePageModel(text)
{
    /// <summary>The administrator; the authorization convention on /Admin/Pages guarantees one.</summary>
    public AdminSession Admin => AdminSession.From(User) ?? throw new InvalidOperationException("The console page ran without a signed-in administrator.");

    protected IPAddress? Source => HttpContext.Connection.RemoteIpAddress;

    protected AdminActor Actor => AdminActor.FromConsole(Source);

    protected bool Chinese => T.Language == UiLanguage.Chinese;

    /// <summary>A service's refusal in the page's language.</summary>
    protected string Message(ProtocolError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.MessageFor(Chinese);
    }

    protected ApiRequest Call(string endpoint, params IEnumerable<(string Name, string Value)> parameters) =>
        ConsoleRequests.Create(Admin, endpoint, Source, parameters);
}
