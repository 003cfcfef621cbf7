namespace Mailroom.Bench;

/// <summary>
/// The baseline: Kestrel with the same host setup as Mailroom (CreateBuilder, no Server header)
/// and one endpoint that answers every path and method with a small JSON body, framed by
/// Content-Length as Mailroom's answers are. Whatever Mailroom does beyond this is its own cost.
/// </summary>
internal static class BareServer
{
    private static readonly string[] Methods = ["GET", "POST"];

    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        var app = builder.Build();
        var body = "{\"ok\":1}"u8.ToArray();
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
}
