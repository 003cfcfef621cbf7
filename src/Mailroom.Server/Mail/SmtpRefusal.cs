namespace Mailroom.Server.Mail;

/// <summary>
/// An SMTP refusal: reply code and text, with an RFC 3463 enhanced status code in front. Replies
/// are ASCII English: RFC 5321 4.2 reply text is read by programs first, and every client shows it
/// as it is.
/// </summary>
internal sealed record SmtpRefusal(int Code, string Text)
{
    public static SmtpRefusal BadAddress(string address) => new(501, $"5.1.3 Bad recipient address syntax: {address}");

    public static SmtpRefusal NotHosted(string domain) => new(550, $"5.7.1 Relaying denied: {domain} is not a domain of this server");

    public static SmtpRefusal NoSuchMailbox(string address) => new(550, $"5.1.1 No such mailbox: {address}");

    public static SmtpRefusal Disabled(string address) => new(550, $"5.2.1 Mailbox disabled: {address}");

    public static SmtpRefusal GroupRefused(string group, string status) => new(550, status switch
    {
        Directory.MailGroupStatus.Inner => $"5.7.1 The group {group} accepts mail only from members of its enterprise, authenticated on the submission port",
        Directory.MailGroupStatus.Group => $"5.7.1 The group {group} accepts mail only from its own members, authenticated on the submission port",
        _ => $"5.7.1 The group {group} accepts mail only from the members on its allow list, authenticated on the submission port",
    });

    public static SmtpRefusal TooManyRecipients(int limit) => new(452, $"4.5.3 Too many recipients (at most {limit} per message)");

    public static SmtpRefusal SenderNotOwned(string address) => new(553, $"5.7.1 Sender address not yours: {address}");

    public static SmtpRefusal TooLarge(int limit) => new(552, $"5.3.4 Message too large (at most {limit} bytes)");

    public static SmtpRefusal NoRecipientLeft { get; } = new(550, "5.1.1 None of the recipients can receive mail any more");

    public static SmtpRefusal StoreFailed { get; } = new(451, "4.3.0 The message could not be stored; try again later");

    public static SmtpRefusal ShuttingDown { get; } = new(421, "4.3.2 Service shutting down; try again later");
}
