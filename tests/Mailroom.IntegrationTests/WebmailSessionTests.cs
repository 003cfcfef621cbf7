using System.Net;
using Mailroom.Server.Directory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.IntegrationTests;

/// <summary>Webmail sessions: checked on every request, void at once when the member changes (PROTOCOL.md §7.3–§7.5).</summary>
public sealed class WebmailSessionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app = fixture.App;

    [Theory]
    [InlineData("OpenType", "2")]
    [InlineData("Password", "another-Passw0rd")]
    [InlineData("Password", WebmailSteps.MemberPassword)]
    public async Task AModifyThatDisablesOrSetsAPasswordEndsTheSession(string field, string value)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = await SignedInAsync(enterprise, bob);

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), (field, value))).AssertEmptySuccess();

        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task ADeletedMembersSessionEndsAndItsAddressReusedGetsNone()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = await SignedInAsync(enterprise, bob);

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", bob))).AssertEmptySuccess();
        await enterprise.AddWebmailMemberAsync("bob");

        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task ReEnablingDoesNotBringASessionBack()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = await SignedInAsync(enterprise, bob);

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("OpenType", "2"))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("OpenType", "1"))).AssertEmptySuccess();

        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task OtherChangesAndTheBackgroundPasswordHardeningKeepTheSession()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = await SignedInAsync(enterprise, bob);

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Name", "Robert"), ("Slave", enterprise.Address("rob")))).AssertEmptySuccess();
        await Eventually.HoldsAsync(
            async () => !PasswordHasher.IsQuick((await enterprise.MemberRowAsync(bob))!.PasswordHash),
            "the password was hardened",
            TimeSpan.FromSeconds(60)); // the hardener runs at the lowest CPU priority: slow on a busy machine

        var inbox = await browser.GetAsync("/mail");
        Assert.Equal(HttpStatusCode.OK, inbox.Status);
        Assert.Contains("Robert", inbox.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionOfOneMemberIsNotAffectedByAnother()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var alice = await enterprise.AddWebmailMemberAsync("alice");
        using var bobs = await SignedInAsync(enterprise, bob);
        using var alices = await SignedInAsync(enterprise, alice);

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", alice))).AssertEmptySuccess();

        await AssertSignedOutAsync(alices);
        Assert.Equal(HttpStatusCode.OK, (await bobs.GetAsync("/mail")).Status);
    }

    [Fact]
    public async Task LogoutEndsTheSessionOnTheServer()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = await SignedInAsync(enterprise, bob);
        var copied = browser.Session;

        var answer = await browser.SubmitAsync("/mail", "/mail/logout");

        Assert.Equal(HttpStatusCode.Found, answer.Status);
        Assert.Equal("/mail/login?signedOut=true", answer.Location);
        Assert.Null(browser.Session);
        browser.UseSession(copied);
        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task LogoutWithoutTheAntiForgeryTokenIsRefused()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = await SignedInAsync(enterprise, bob);

        var answer = await browser.PostFormAsync("/mail/logout");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/mail")).Status);
    }

    [Fact]
    public async Task ASessionSlidesWhileUsedAndEndsAfterTheIdleTime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new MailroomApp(
            settings: new Dictionary<string, string?> { ["Mailroom:Sso:SessionIdleMinutes"] = "60" },
            configureServices: services => services.AddSingleton<TimeProvider>(time));
        var enterprise = await app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = WebmailClient.For(app);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)))).Status);

        // Used every 40 minutes, the session lives on well past its first hour.
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromMinutes(40));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/mail")).Status);
        }

        time.Advance(TimeSpan.FromMinutes(61));
        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task ASessionCookieIsWorthlessWithoutItsRow()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = await SignedInAsync(enterprise, bob);

        await enterprise.WriteAsync(s => s.ExecuteAsync("DELETE FROM webmail_sessions WHERE member_id = (SELECT id FROM members WHERE address = @a)", ("@a", bob)));

        await AssertSignedOutAsync(browser);
    }

    internal static async Task<WebmailClient> SignedInAsync(TestEnterprise enterprise, string address)
    {
        var browser = WebmailClient.For(enterprise.App);
        var answer = await browser.GetAsync(enterprise.OneClickLink(address, await enterprise.AuthKeyAsync(address)));
        Assert.Equal(HttpStatusCode.Found, answer.Status);
        var inbox = await browser.GetAsync("/mail");
        Assert.Equal(HttpStatusCode.OK, inbox.Status);
        return browser;
    }

    private static async Task AssertSignedOutAsync(WebmailClient browser)
    {
        var answer = await browser.GetAsync("/mail");
        Assert.Equal(HttpStatusCode.Found, answer.Status);
        Assert.StartsWith("/mail/login", new Uri(new Uri("http://x"), answer.Location).PathAndQuery, StringComparison.Ordinal);
    }
}
