using System.Runtime.InteropServices;
using System.Text;

namespace Mailroom.Server.Mail;

/// <summary>
/// fsync of a directory, which makes the names created or renamed in it durable (POSIX leaves a
/// new file's directory entry volatile until its directory is synced). .NET cannot open a
/// directory as a file, hence the two libc calls.
/// </summary>
internal static class DirectorySync
{
    public static void Flush(string directory)
    {
        // NTFS journals directory changes itself, and Windows offers no fsync of a directory.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Encoding.UTF8.GetBytes(directory + "\0");
        var fd = Open(path, 0);
        if (fd < 0)
        {
            throw new IOException($"Cannot open the directory {directory} (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Cannot flush the directory {directory} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport rather than LibraryImport: the latter's generated code needs unsafe blocks in the
    // whole project, and these signatures (a pinned byte array, ints) need no marshalling code.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
