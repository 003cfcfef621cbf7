namespace Mailroom.Contracts;

/// <summary>An unread-count event answered to <c>/openapi/listen</c> (PROTOCOL.md §5).</summary>
/// <param name="UserName">The member's primary address.</param>
/// <param name="NewCount">The member's inbox unread count after the change (a number here).</param>
public sealed record UnreadCountEvent(string UserName, int NewCount);
