using System.Net;
using Microsoft.AspNetCore.Routing;

namespace Mailroom.IntegrationTests;

/// <summary>Every console route, found in the server's own routing table, needs a signed-in administrator.</summary>
public sealed class AdminConsoleAccessTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    // Pages anyone may open: the sign-in page itself and the console's language switch.
    private static readonly string[] Anonymous = ["admin", "admin/language"];

    [Fact]
    public async Task EveryConsolePageRedirectsToTheSignInPageWithoutASession()
    {
        var routes = fixture.App.Get<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText?.Trim('/') ?? "")
            .Where(p => p.StartsWith("admin", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        Assert.Contains("admin/operations", routes);
        Assert.Contains("admin/import/{id}", routes);

        using var client = NewClient();
        foreach (var route in routes.Except(Anonymous, StringComparer.OrdinalIgnoreCase))
        {
            var path = "/" + route.Replace("{seq:long}", "1", StringComparison.Ordinal).Replace("{id}", new string('a', 32), StringComparison.Ordinal);
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
            {
                using var response = await client.SendAsync(new HttpRequestMessage(method, path), TestContext.Current.CancellationToken);
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{method} {path}: {(int)response.StatusCode}");
                var location = response.Headers.Location!;
                Assert.StartsWith("/admin?ReturnUrl=", location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString, StringComparison.Ordinal);
            }
        }
    }

    private HttpClient NewClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = fixture.App.BaseAddress };

    [Fact]
    public async Task TheSignInPageIsOpenAndSetsNoSessionCookie()
    {
        using var client = NewClient();
        using var response = await client.GetAsync("/admin", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("mailroom-admin=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.Ordinal));
        Assert.True(response.Headers.CacheControl?.NoStore);
    }
}
