namespace Mailroom.Contracts;

/// <summary>One entry of a <see cref="ValueList"/>: a department path or a member address.</summary>
/// <param name="Value">The path or address.</param>
public sealed record ValueItem(string Value);
