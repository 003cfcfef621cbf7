namespace Mailroom.Server.Protocol;

/// <summary>
/// Shutdown work that runs once, however often the host is stopped: every caller gets the first
/// run's task. A test host is stopped by its factory and by Program's RunAsync at once, and
/// disposed when the first of them returns, so a second run would meet disposed services.
/// </summary>
internal sealed class StopOnce
{
    private readonly Lock _lock = new();
    private Task? _run;

    public Task RunAsync(Func<Task> work)
    {
        lock (_lock)
        {
            return _run ??= work();
        }
    }
}
