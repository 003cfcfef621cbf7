namespace Mailroom.Server.Directory;

/// <summary>Tuning of the directory; binds "Mailroom:Directory".</summary>
internal sealed class DirectoryOptions
{
    public const string Section = "Mailroom:Directory";

    /// <summary>
    /// Most user/get answers kept in memory (<see cref="MemberProfileCache"/>); 0 turns the cache
    /// off. An entry is a profile's JSON plus its key, a few hundred bytes.
    /// </summary>
    public int ProfileCacheEntries { get; set; } = 100_000;
}
