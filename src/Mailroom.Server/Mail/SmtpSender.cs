namespace Mailroom.Server.Mail;

/// <summary>
/// Who is sending, as far as the server knows: the envelope sender (MAIL FROM, "" for a null
/// reverse path) and the member authenticated on the submission port, if any. Only the latter
/// counts for group rules; an envelope address can be anybody's (PROTOCOL.md §6.9).
/// </summary>
internal sealed record SmtpSender(string EnvelopeFrom, AuthenticatedMember? Member);

/// <summary>A member who passed SMTP AUTH on the submission port.</summary>
internal sealed record AuthenticatedMember(long MemberId, long EnterpriseId, string Address);
