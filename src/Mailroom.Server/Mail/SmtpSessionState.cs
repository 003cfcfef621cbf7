using SmtpServer;

namespace Mailroom.Server.Mail;

/// <summary>What Mailroom keeps in an SMTP session's property bag.</summary>
internal static class SmtpSessionState
{
    private const string MemberKey = "Mailroom:Member";
    private const string RecipientsKey = "Mailroom:Recipients";

    /// <summary>True on the submission port (the only endpoint that requires AUTH).</summary>
    public static bool IsSubmission(ISessionContext context) => context.EndpointDefinition.AuthenticationRequired;

    public static AuthenticatedMember? Member(ISessionContext context) =>
        context.Properties.TryGetValue(MemberKey, out var member) ? member as AuthenticatedMember : null;

    public static void SetMember(ISessionContext context, AuthenticatedMember member) => context.Properties[MemberKey] = member;

    /// <summary>Recipients accepted in the current transaction (MAIL FROM starts a new one).</summary>
    public static int Recipients(ISessionContext context) =>
        context.Properties.TryGetValue(RecipientsKey, out var count) ? (int)count : 0;

    public static void SetRecipients(ISessionContext context, int count) => context.Properties[RecipientsKey] = count;

    /// <summary>The client's address, set by the listener for every session.</summary>
    public const string RemoteEndPointKey = SmtpServer.Net.EndpointListener.RemoteEndPointKey;
}
