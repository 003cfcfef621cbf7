namespace Mailroom.Server.Tests;

/// <summary>The repository's source files, for tests that check rules about the code itself.</summary>
internal static class SourceTree
{
    public static string Root { get; } = FindRoot();

    public static string ServerSource => Path.Combine(Root, "src", "Mailroom.Server");

    /// <summary>The server's C# and Razor files, build output excluded.</summary>
    public static IEnumerable<string> ServerFiles() =>
        System.IO.Directory.EnumerateFiles(ServerSource, "*.cs*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".cs", StringComparison.Ordinal) || path.EndsWith(".cshtml", StringComparison.Ordinal))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Mailroom.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Mailroom.slnx not found above the test binaries.");
    }
}
