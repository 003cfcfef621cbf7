namespace Mailroom.Contracts;

/// <summary>One entry of <c>user/check</c>.</summary>
/// <param name="Email">The address exactly as the caller sent it.</param>
/// <param name="Type">-1 invalid, 0 free, 1 member, 2 alias, 3 group.</param>
public sealed record AddressCheck(string Email, int Type);
