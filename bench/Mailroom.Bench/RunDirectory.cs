namespace Mailroom.Bench;

/// <summary>The scratch directories a benchmark run creates under its data root.</summary>
internal static class RunDirectory
{
    /// <summary>Deletes a run's directory; one that cannot be deleted is left for the temp cleaner (each run uses its own).</summary>
    public static void TryDelete(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Left for the temp cleaner.
        }
    }
}
