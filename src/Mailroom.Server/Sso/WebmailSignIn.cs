namespace Mailroom.Server.Sso;

/// <summary>Giving a browser a new webmail session from the sign-in pages.</summary>
internal static class WebmailSignIn
{
    /// <summary>
    /// Sets the cookie of <paramref name="session"/>, ending the session the browser had before, if
    /// any (signing in as someone else on a shared computer leaves nothing of the first one usable).
    /// </summary>
    public static async Task ReplaceAsync(HttpContext context, WebmailSessions sessions, WebmailSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(session);
        if (WebmailSession.From(context.User) is { } previous && previous.SessionId != session.SessionId)
        {
            await sessions.EndAsync(previous, cancellationToken);
        }

        await session.SignInAsync(context);
    }
}
