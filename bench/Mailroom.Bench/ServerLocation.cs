namespace Mailroom.Bench;

/// <summary>
/// Where the server's own build output is: the bench references the server project, so building
/// the bench in a configuration builds the server in it too, next to it under artifacts/bin.
/// </summary>
internal static class ServerLocation
{
    // <root>/artifacts/bin/Mailroom.Bench/<configuration>/ → <root>/artifacts/bin/Mailroom.Server/<configuration>/
    public static string Expected
    {
        get
        {
            var own = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
            var configuration = Path.GetFileName(own);
            return Path.GetFullPath(Path.Combine(own, "..", "..", "Mailroom.Server", configuration, "Mailroom.Server.dll"));
        }
    }

    public static string? Find() => File.Exists(Expected) ? Expected : null;
}
