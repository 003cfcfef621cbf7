namespace Mailroom.Contracts;

/// <summary>One entry of <c>user/list</c>.</summary>
/// <param name="Action">1 deleted, 2 added, 3 modified.</param>
/// <param name="Alias">The member's primary address.</param>
public sealed record MemberChange(int Action, string Alias);
