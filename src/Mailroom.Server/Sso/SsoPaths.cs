namespace Mailroom.Server.Sso;

/// <summary>Where webmail sign-in sends the browser: the pages of this feature and those after it.</summary>
internal static class SsoPaths
{
    /// <summary>The signed-in landing page (the inbox, Webmail/Inbox.cshtml).</summary>
    public const string Inbox = "/mail";

    public const string Login = "/mail/login";

    public const string SecondFactor = "/mail/login/verify";

    public const string Logout = "/mail/logout";

    private const int MaxMailIdLength = 128;

    /// <summary>
    /// Where a one-click login goes (PROTOCOL.md §7.4): the message <paramref name="mailId"/> when it
    /// has the shape of a MailId (opaque and URL-safe, §7.1), else the inbox. Whether the message is
    /// the member's is for the message page to decide.
    /// </summary>
    public static string AfterOneClick(string? mailId) =>
        mailId is { Length: > 0 and <= MaxMailIdLength } && mailId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? $"{Inbox}/message/{mailId}"
            : Inbox;

    /// <summary>A return address after sign-in: only a webmail page of this site, else the inbox.</summary>
    public static string SafeReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 }
        && (returnUrl == Inbox || returnUrl.StartsWith(Inbox + "/", StringComparison.Ordinal) || returnUrl.StartsWith(Inbox + "?", StringComparison.Ordinal))
        && !returnUrl.Contains('\\', StringComparison.Ordinal)
        && !returnUrl.StartsWith(Login, StringComparison.Ordinal)
        && !returnUrl.StartsWith(Logout, StringComparison.Ordinal)
            ? returnUrl
            : Inbox;
}
