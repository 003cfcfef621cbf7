using System.Runtime.InteropServices;

namespace Mailroom.Bench;

/// <summary>
/// Stops and continues a process (SIGSTOP, SIGCONT): while one server is timed, the other of an
/// interleaved pair does nothing at all, background work included.
/// </summary>
internal static class ProcessPause
{
    private const int SignalContinue = 18;
    private const int SignalStop = 19;

    public static void Pause(int processId) => Signal(processId, SignalStop);

    public static void Resume(int processId) => Signal(processId, SignalContinue);

    private static void Signal(int processId, int signal)
    {
        if (OperatingSystem.IsLinux() && Kill(processId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int processId, int signal);
}
