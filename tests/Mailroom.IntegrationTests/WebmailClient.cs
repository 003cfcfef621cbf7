using System.Net;
using System.Text.RegularExpressions;

namespace Mailroom.IntegrationTests;

/// <summary>
/// A browser reduced to what the sign-in tests look at: redirects are not followed and cookies are
/// kept by hand, so that each Set-Cookie header and each Location can be asserted.
/// </summary>
public sealed partial class WebmailClient : IDisposable
{
    public const string SessionCookie = "mailroom-webmail";

    private readonly HttpClient _client;
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    /// <param name="baseAddress">The server.</param>
    /// <param name="handler">A handler that neither follows redirects nor keeps cookies, kept by the caller; null: an own one.</param>
    public WebmailClient(Uri baseAddress, HttpMessageHandler? handler = null)
    {
        _client = handler is null
            ? new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseAddress }
            : new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress };
    }

    /// <summary>The cookies this client holds: name → value.</summary>
    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    public string? Session => _cookies.GetValueOrDefault(SessionCookie);

    public static WebmailClient For(MailroomApp app) => new(app.BaseAddress);

    public Task<Page> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<Page> PostFormAsync(string path, params (string Name, string Value)[] form) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        });

    /// <summary>Posts a form of the page at <paramref name="formPage"/>, with its anti-forgery token.</summary>
    public async Task<Page> SubmitAsync(string formPage, string action, params (string Name, string Value)[] form) =>
        await PostFormAsync(action, [.. form, ("__RequestVerificationToken", await AntiForgeryTokenAsync(formPage))]);

    /// <summary>The anti-forgery token of the form on the page at <paramref name="formPage"/>.</summary>
    public async Task<string> AntiForgeryTokenAsync(string formPage)
    {
        var page = await GetAsync(formPage);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var token = AntiForgeryToken().Match(page.Body);
        Assert.True(token.Success, "the page has no anti-forgery token");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    public async Task<Page> SendAsync(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);
        var content = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var body = System.Text.Encoding.UTF8.GetString(content);
        var setCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        foreach (var header in setCookies)
        {
            var pair = header.Split(';', 2)[0];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = (pair[..equals], pair[(equals + 1)..]);
            if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
            {
                _cookies.Remove(name);
            }
            else
            {
                _cookies[name] = value;
            }
        }

        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Page(response.StatusCode, body, response.Headers.Location?.ToString(), setCookies) { Headers = headers, Content = content };
    }

    /// <summary>Replaces the session cookie, e.g. by a copy kept from before a logout.</summary>
    public void UseSession(string? value)
    {
        if (value is null)
        {
            _cookies.Remove(SessionCookie);
        }
        else
        {
            _cookies[SessionCookie] = value;
        }
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgeryToken();

    /// <summary>An answer: status, body, Location and the raw Set-Cookie headers.</summary>
    public sealed record Page(HttpStatusCode Status, string Body, string? Location, IReadOnlyList<string> SetCookies)
    {
        /// <summary>Every response and content header, by name (case-insensitive), values joined.</summary>
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

        /// <summary>The body's bytes.</summary>
        public byte[] Content { get; init; } = [];

        /// <summary>The Set-Cookie header of the session cookie, or null.</summary>
        public string? SessionSetCookie => SetCookies.FirstOrDefault(c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal));

        /// <summary>The attributes of the session's Set-Cookie, lower-cased, without the value.</summary>
        public IReadOnlyList<string> SessionCookieAttributes =>
            SessionSetCookie is { } header
                ? [.. header.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant())]
                : [];
    }
}
