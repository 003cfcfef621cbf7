using System.Globalization;
using System.Net.Http.Headers;

namespace Mailroom.Bench;

/// <summary>
/// A server the listen benchmark measures: Mailroom's <c>/openapi/listen</c>, woken by a member
/// change (user/sync MOD), or the bare server's <c>/listen</c>, released by <c>/release</c>. Control
/// calls (the change, how many listens are held) go over one keep-alive connection of their own.
/// </summary>
internal sealed class ListenTarget : IAsyncDisposable
{
    private const string Member = "fan000000@" + MailroomApi.Domain;

    private readonly HttpClient _http;
    private int _changes;

    private ListenTarget(string name, ServerProcess server, string path, string token, bool isBare)
    {
        Name = name;
        Server = server;
        Path = path;
        Token = token;
        IsBare = isBare;
        _http = new HttpClient { BaseAddress = new Uri($"http://{server.EndPoint}") };
    }

    public string Name { get; }

    public ServerProcess Server { get; }

    public string Path { get; }

    public string Token { get; }

    public bool IsBare { get; }

    public static async Task<ListenTarget> StartBareAsync(CancellationToken cancellationToken)
    {
        var server = await ServerProcess.StartBareAsync(cancellationToken);

        // The same request bytes as Mailroom's: a token of the same length the bare server ignores.
        return new ListenTarget(Text.T("bare", "裸服务器"), server, "/listen", new string('x', 66), isBare: true);
    }

    public static async Task<ListenTarget> StartMailroomAsync(string serverDll, string dataDir, CancellationToken cancellationToken)
    {
        var secret = MailroomApi.NewSecret();

        // One client holds every listen, so its limit is raised; the hold time outlasts any round.
        var server = await ServerProcess.StartMailroomAsync(
            "mailroom", serverDll, dataDir, "Normal", secret, cancellationToken,
            "--Mailroom:Listen:MaxListensPerClient=100000", "--Mailroom:Listen:HoldSeconds=3600");
        try
        {
            var token = await MailroomApi.WaitForTokenAsync(server.EndPoint, secret, cancellationToken);
            var target = new ListenTarget("Mailroom", server, "/openapi/listen", token, isBare: false);
            var added = await target.PostAsync("/openapi/user/sync", cancellationToken, ("Action", "2"), ("Alias", Member), ("Name", "Fan"), ("Password", "Pw0123456789X9"));
            if (added.Length != 0)
            {
                throw new InvalidOperationException($"user/sync ADD: {added}");
            }

            return target;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The Ver a listen must carry to be held.</summary>
    public async Task<long> CurrentVerAsync(CancellationToken cancellationToken)
    {
        if (IsBare)
        {
            return 1_000_000_000_001;
        }

        var answer = await PostAsync("/openapi/listen", cancellationToken, ("Ver", "0"));
        return long.Parse(answer.Split('"')[3], CultureInfo.InvariantCulture);
    }

    /// <summary>What wakes every held listen: a member change, or the bare server's release.</summary>
    public async Task TriggerAsync(CancellationToken cancellationToken)
    {
        if (IsBare)
        {
            await PostAsync("/release", cancellationToken);
            return;
        }

        var changed = await PostAsync("/openapi/user/sync", cancellationToken, ("Action", "3"), ("Alias", Member), ("Name", "Fan " + ++_changes));
        if (changed.Length != 0)
        {
            throw new InvalidOperationException($"user/sync MOD: {changed}");
        }
    }

    /// <summary>How many listens the server holds now.</summary>
    public async Task<long> HeldAsync(CancellationToken cancellationToken)
    {
        if (IsBare)
        {
            return long.Parse(await _http.GetStringAsync(new Uri("/held", UriKind.Relative), cancellationToken), CultureInfo.InvariantCulture);
        }

        var metrics = await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        var line = metrics.Split('\n').First(l => l.StartsWith("mailroom_listen_held ", StringComparison.Ordinal));
        return (long)double.Parse(line["mailroom_listen_held ".Length..], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Server.DisposeAsync();
    }

    private async Task<string> PostAsync(string path, CancellationToken cancellationToken, params (string Name, string Value)[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await _http.SendAsync(request, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
