using System.Text.RegularExpressions;

namespace Mailroom.Server.Tests;

/// <summary>
/// Features depend only on features before them (STYLE.md): the HTTP/SMTP adapters and pages sit on
/// services, services on Storage, and e.g. Mail reports to Push through Push's interface while
/// Push never calls Mail.
/// </summary>
public sealed partial class ArchitectureTests
{
    // Shared infrastructure first, then the features in their order.
    private static readonly string[] Order =
        ["Protocol", "Ui", "Storage", "Directory", "Auth", "Sso", "Push", "Mail", "Admin", "Webmail"];

    [Fact]
    public void EveryFeatureUsesOnlyFeaturesBeforeIt()
    {
        var violations = new List<string>();
        foreach (var file in SourceTree.ServerFiles())
        {
            var relative = Path.GetRelativePath(SourceTree.ServerSource, file);
            var feature = relative.Split(Path.DirectorySeparatorChar)[0];
            var position = Array.IndexOf(Order, feature);
            if (!relative.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue; // Program.cs and the root Razor files compose everything.
            }

            Assert.True(position >= 0, $"{relative}: the folder '{feature}' is not in the feature order of this test.");
            foreach (Match reference in ServerNamespace().Matches(File.ReadAllText(file)))
            {
                var used = reference.Groups["feature"].Value;
                if (Array.IndexOf(Order, used) > position)
                {
                    violations.Add($"{relative} uses {used}");
                }
            }
        }

        Assert.Empty(violations);
    }

    [Fact]
    public void OnlyStorageKnowsWhichDatabaseItTalksTo()
    {
        var leaks = SourceTree.ServerFiles()
            .Where(file => !Path.GetRelativePath(SourceTree.ServerSource, file).StartsWith("Storage", StringComparison.Ordinal))
            .Where(file => DatabaseDriver().IsMatch(File.ReadAllText(file)))
            .Select(file => Path.GetRelativePath(SourceTree.ServerSource, file))
            .ToList();

        Assert.Empty(leaks);
    }

    [GeneratedRegex(@"\bMailroom\.Server\.(?<feature>[A-Z][A-Za-z]*)\b")]
    private static partial Regex ServerNamespace();

    [GeneratedRegex(@"\b(Microsoft\.Data\.Sqlite|Npgsql)\b")]
    private static partial Regex DatabaseDriver();
}
