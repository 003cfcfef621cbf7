using System.Globalization;

namespace Mailroom.IntegrationTests;

/// <summary>What /metrics serves, read back by the tests.</summary>
internal static class MetricsPage
{
    /// <summary>Every sample by its series: the name, followed by its labels when it has any.</summary>
    public static async Task<Dictionary<string, double>> ReadAsync(HttpClient client)
    {
        var text = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        return text.Split('\n')
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => (Line: line, Space: line.LastIndexOf(' ')))
            .ToDictionary(s => s.Line[..s.Space], s => double.Parse(s.Line[(s.Space + 1)..], CultureInfo.InvariantCulture));
    }
}
