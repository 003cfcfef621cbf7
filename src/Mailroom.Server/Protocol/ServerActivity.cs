namespace Mailroom.Server.Protocol;

/// <summary>
/// When the server last began a request. Background work that competes with requests in ways the
/// scheduler does not see holds back while requests flow: on a virtual machine or a shared
/// core, a busy thread of the idle scheduling class still slows the threads that answer.
/// </summary>
internal sealed class ServerActivity(TimeProvider time)
{
    private long _lastRequest = time.GetTimestamp();

    public void RequestStarted() => Volatile.Write(ref _lastRequest, time.GetTimestamp());

    public TimeSpan SinceLastRequest => time.GetElapsedTime(Volatile.Read(ref _lastRequest));
}
