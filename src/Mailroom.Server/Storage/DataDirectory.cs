namespace Mailroom.Server.Storage;

/// <summary>The data directory holds the database and the key ring: only the server's user may read it.</summary>
internal static class DataDirectory
{
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
            return;
        }

        System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
