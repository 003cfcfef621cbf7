namespace Mailroom.Contracts;

/// <summary>The answer of <c>user/get</c> (PROTOCOL.md §6.2), keys in this order.</summary>
/// <param name="Alias">The member's primary address.</param>
/// <param name="Name">Display name.</param>
/// <param name="Gender">0 unset, 1 male, 2 female.</param>
/// <param name="SlaveList">Comma-joined aliases, "" when none.</param>
/// <param name="Position">Job title.</param>
/// <param name="Tel">Telephone.</param>
/// <param name="Mobile">Mobile telephone.</param>
/// <param name="ExtId">The enterprise's own id for the member.</param>
/// <param name="PartyList">Department paths, without the root.</param>
/// <param name="OpenType">1 enabled, 2 disabled.</param>
/// <param name="Status">1 normal, 2 disabled.</param>
public sealed record MemberProfile(
    string Alias,
    string Name,
    int Gender,
    string SlaveList,
    string Position,
    string Tel,
    string Mobile,
    string ExtId,
    ValueList PartyList,
    int OpenType,
    int Status);
