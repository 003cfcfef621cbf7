namespace Mailroom.Contracts;

/// <summary>The answer of <c>mail/newcount</c> (PROTOCOL.md §7.2).</summary>
/// <param name="Alias">The member's primary address.</param>
/// <param name="NewCount">Unread messages in the inbox, as a digit string.</param>
public sealed record NewCountResponse(string Alias, string NewCount);
