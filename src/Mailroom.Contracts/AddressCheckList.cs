namespace Mailroom.Contracts;

/// <summary>The answer of <c>user/check</c> (PROTOCOL.md §6.8), in request order.</summary>
/// <param name="Count">The number of entries.</param>
/// <param name="List">One entry per requested address.</param>
public sealed record AddressCheckList(int Count, IReadOnlyList<AddressCheck> List);
