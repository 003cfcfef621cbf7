namespace Mailroom.Contracts;

/// <summary>A new-mail event answered to <c>/openapi/listen</c> (PROTOCOL.md §5).</summary>
/// <param name="UserName">The recipient member's primary address.</param>
/// <param name="MailId">The opaque, URL-safe id of the delivered copy.</param>
/// <param name="Sender">The message's From, as written (display name and address).</param>
/// <param name="Receiver">The recipient member's primary address.</param>
/// <param name="Subject">The decoded subject.</param>
/// <param name="Summary">The first 120 characters of the plain text, whitespace collapsed.</param>
/// <param name="NewCount">The member's inbox unread count after the delivery (a number here).</param>
public sealed record NewMailEvent(
    string UserName, string MailId, string Sender, string Receiver, string Subject, string Summary, int NewCount);
