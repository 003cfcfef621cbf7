using System.Net;
using System.Text.RegularExpressions;
using Mailroom.Server.Admin;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.IntegrationTests;

/// <summary>Console sessions over plain HTTP: sliding expiry on a fake clock, and ending with a new password.</summary>
public sealed partial class AdminSessionTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly MailroomApp _app;

    public AdminSessionTests() =>
        _app = new MailroomApp(
            settings: new Dictionary<string, string?> { ["Mailroom:Admin:SessionMinutes"] = "30" },
            configureServices: services => services.AddSingleton<TimeProvider>(_time));

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task ASessionSlidesWhileUsedAndEndsAfterTheIdleTime()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        using var console = await SignInAsync(enterprise);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(console, "/admin/protocol"));

        _time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(console, "/admin/protocol"));
        _time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(console, "/admin/operations"));

        _time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Redirect, await StatusAsync(console, "/admin/protocol"));
    }

    [Fact]
    public async Task ANewPasswordEndsTheSessionsSignedInWithTheOldOne()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        using var console = await SignInAsync(enterprise);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(console, "/admin/directory"));

        var reset = await _app.Get<EnterpriseService>().SetAdminPasswordAsync(enterprise.ClientId, "a-brand-new-password", TestContext.Current.CancellationToken, AdminActor.Operator);
        Assert.False(reset.IsError);

        Assert.Equal(HttpStatusCode.Redirect, await StatusAsync(console, "/admin/directory"));
    }

    private async Task<HttpClient> SignInAsync(TestEnterprise enterprise)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = _app.BaseAddress };
        var form = await client.GetStringAsync("/admin", TestContext.Current.CancellationToken);
        var token = AntiForgeryToken().Match(form).Groups[1].Value;
        using var signIn = await client.PostAsync(
            "/admin",
            new FormUrlEncodedContent([
                KeyValuePair.Create("__RequestVerificationToken", token),
                KeyValuePair.Create("Account", enterprise.ClientId),
                KeyValuePair.Create("Password", enterprise.AdminPassword),
            ]),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/admin", signIn.Headers.Location?.OriginalString);
        return client;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgeryToken();
}
