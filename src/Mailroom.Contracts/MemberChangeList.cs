namespace Mailroom.Contracts;

/// <summary>The answer of <c>user/list</c> (PROTOCOL.md §6.4).</summary>
/// <param name="Ver">The enterprise's version at the time of the read (a number here).</param>
/// <param name="Count">The number of entries.</param>
/// <param name="List">Net changes since the requested version, by the version of their last change.</param>
public sealed record MemberChangeList(long Ver, int Count, IReadOnlyList<MemberChange> List);
