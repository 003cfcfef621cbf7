namespace Mailroom.Server.Directory;

/// <summary>Who may send to a mail group (PROTOCOL.md §6.9), as stored and as given in group/add.</summary>
internal static class MailGroupStatus
{
    /// <summary>Anyone may send.</summary>
    public const string All = "all";

    /// <summary>Only senders of the group's enterprise.</summary>
    public const string Inner = "inner";

    /// <summary>Only the group's members.</summary>
    public const string Group = "group";

    /// <summary>Only the members on the group's allow list.</summary>
    public const string List = "list";

    /// <summary>The stored form of <paramref name="text"/> (case-insensitive), or null when it is no status.</summary>
    public static string? Parse(string text) => text.ToLowerInvariant() switch
    {
        All => All,
        Inner => Inner,
        Group => Group,
        List => List,
        _ => null,
    };
}
