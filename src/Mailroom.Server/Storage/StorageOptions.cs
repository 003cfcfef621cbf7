namespace Mailroom.Server.Storage;

/// <summary>Where and how Mailroom keeps its data; binds the "Mailroom" section.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Mailroom";

    /// <summary>Directory for the SQLite database and the Data Protection key ring.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>
    /// <see cref="Durability.Full"/> (default): every answered write is fsynced, surviving a power
    /// loss. <see cref="Durability.Normal"/>: WAL without per-commit fsync, surviving a crash of
    /// the server process but possibly losing the last writes on power loss; much faster.
    /// </summary>
    public Durability Durability { get; set; } = Durability.Full;

    /// <summary>
    /// Under <see cref="Durability.Normal"/>, how long answered writes may wait for their SQLite
    /// commit when no read asks for them sooner (they are in the call journal meanwhile). Other
    /// processes on the same database file see them after at most this long.
    /// </summary>
    public int CommitDelayMilliseconds { get; set; } = 10;

    public string DatabasePath => Path.Combine(Path.GetFullPath(DataDir), "mailroom.db");
}

internal enum Durability
{
    Full,
    Normal,
}
