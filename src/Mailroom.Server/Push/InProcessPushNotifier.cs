namespace Mailroom.Server.Push;

/// <summary>The single-node notifier: publishing is delivering, on the publisher's thread.</summary>
internal sealed class InProcessPushNotifier : IPushNotifier
{
    private IPushReceiver? _receiver;

    public void PublishVersion(long enterpriseId, long version) => Volatile.Read(ref _receiver)?.VersionChanged(enterpriseId, version);

    public ValueTask PublishEventAsync(long enterpriseId, byte[] body, CancellationToken cancellationToken) =>
        Volatile.Read(ref _receiver)?.EventArrivedAsync(enterpriseId, body, cancellationToken) ?? ValueTask.CompletedTask;

    public void Subscribe(IPushReceiver receiver) => Volatile.Write(ref _receiver, receiver);
}
