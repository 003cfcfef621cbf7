namespace Mailroom.Server.Storage;

/// <summary>The schema script, embedded in the assembly.</summary>
internal static class SchemaScript
{
    public static string Text { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(SchemaScript).Assembly.GetManifestResourceStream("Mailroom.Server.Storage.Schema.sql")
            ?? throw new InvalidOperationException("The schema script is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
