using System.Diagnostics;

namespace Mailroom.IntegrationTests;

/// <summary>Waiting for something another process does: poll until true, failing at a deadline.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = within ?? TimeSpan.FromSeconds(15);
        var started = Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > deadline)
            {
                Assert.Fail($"Not within {deadline.TotalSeconds} s: {what}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
