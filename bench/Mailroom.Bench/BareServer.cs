namespace Mailroom.Bench;

/// <summary>
/// The baseline: Kestrel with the same host setup as Mailroom (CreateBuilder, no Server header)
/// and one endpoint that answers every path and method with a small JSON body, framed by
/// Content-Length as Mailroom's answers are. Whatever Mailroom does beyond this is its own cost.
/// For the listen benchmark, <c>/listen</c> holds every request on one shared
/// TaskCompletionSource until <c>/release</c> completes it (the ceiling of a long-poll endpoint on
/// this stack); <c>/held</c> says how many wait.
/// </summary>
internal static class BareServer
{
    private static readonly string[] Methods = ["GET", "POST"];
    private static TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static long _held;

    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        var app = builder.Build();
        var body = "{\"ok\":1}"u8.ToArray();

        // The same size as Mailroom's version answer {"Ver":"<13 digits>"}.
        var listenBody = "{\"Ver\":\"1000000000001\"}"u8.ToArray();
        app.MapMethods("/listen", Methods, async (HttpContext http) =>
        {
            // The signal is taken before the request counts as held: once /held says N, a release
            // reaches all N (counted first, a request could still take the next signal and hang).
            var release = Volatile.Read(ref _release).Task;
            Interlocked.Increment(ref _held);
            await release;
            Interlocked.Decrement(ref _held);
            var response = http.Response;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = listenBody.Length;
            await response.Body.WriteAsync(listenBody, http.RequestAborted);
        });
        app.MapMethods("/release", Methods, (HttpContext http) =>
        {
            Interlocked.Exchange(ref _release, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
            return AnswerAsync(http, body);
        });
        app.MapMethods("/held", Methods, (HttpContext http) =>
            AnswerAsync(http, System.Text.Encoding.ASCII.GetBytes(Interlocked.Read(ref _held).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        app.MapMethods("/{**path}", Methods, (HttpContext http) =>
        {
            var response = http.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, http.RequestAborted).AsTask();
        });
        await app.RunAsync();
    }

    private static Task AnswerAsync(HttpContext http, byte[] body)
    {
        var response = http.Response;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }
}
