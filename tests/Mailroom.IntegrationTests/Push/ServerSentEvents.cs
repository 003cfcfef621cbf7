using System.Net.Http.Headers;

namespace Mailroom.IntegrationTests.Push;

/// <summary>A listen with Accept: text/event-stream, read one server-sent event (or comment) at a time.</summary>
public sealed class ServerSentEvents : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private ServerSentEvents(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public static async Task<ServerSentEvents> OpenAsync(TestEnterprise enterprise, string query, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/listen" + (query.Length > 0 ? "?" + query : ""));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", enterprise.Token);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await enterprise.App.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        return new ServerSentEvents(response, reader);
    }

    /// <summary>
    /// The next event as ("id", id, data), or a comment as ("comment", "", text); null when the
    /// server ended the stream.
    /// </summary>
    public async Task<ServerSentEvent?> ReadAsync()
    {
        string? id = null;
        string? data = null;
        while (await _reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (id is not null || data is not null)
                {
                    return new ServerSentEvent("id", id ?? "", data ?? "");
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                return new ServerSentEvent("comment", "", line[1..]);
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var value = line[(colon + 1)..].TrimStart(' ');
            switch (line[..colon])
            {
                case "id":
                    id = value;
                    break;
                case "data":
                    data = value;
                    break;
            }
        }

        return null;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}

/// <summary>One server-sent event ("id", its id, its data) or comment ("comment", "", its text).</summary>
public sealed record ServerSentEvent(string Kind, string Id, string Data);
