namespace Mailroom.Server.Push;

/// <summary>
/// How wake-ups reach the held listens of every node: a grown directory version, and mailbox
/// events. The in-process implementation (<see cref="InProcessPushNotifier"/>, the default)
/// delivers them to this node's <see cref="IPushReceiver"/> at once; a PostgreSQL LISTEN/NOTIFY
/// one will carry them between nodes without the endpoint changing. Such an implementation must
/// deliver a version it received from another node both to the receiver and to
/// <c>DirectoryVersions.Observe</c>, without publishing it again.
/// </summary>
internal interface IPushNotifier
{
    /// <summary>An enterprise's directory version grew (a commit on this node). Must not block or throw.</summary>
    void PublishVersion(long enterpriseId, long version);

    /// <summary>A mailbox event (its JSON answer) for the enterprise's online clients.</summary>
    ValueTask PublishEventAsync(long enterpriseId, byte[] body, CancellationToken cancellationToken);

    /// <summary>Where this node takes delivery; one receiver per node.</summary>
    void Subscribe(IPushReceiver receiver);
}

/// <summary>This node's end of the notifier: the listen hub.</summary>
internal interface IPushReceiver
{
    void VersionChanged(long enterpriseId, long version);

    ValueTask EventArrivedAsync(long enterpriseId, byte[] body, CancellationToken cancellationToken);
}
