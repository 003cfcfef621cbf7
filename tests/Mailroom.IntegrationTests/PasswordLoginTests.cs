using System.Net;
using System.Text.RegularExpressions;
using Mailroom.Server.Sso;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.IntegrationTests;

/// <summary>Webmail sign-in with address and password, and the TOTP second factor (PROTOCOL.md §6.10, §7.5).</summary>
public sealed partial class PasswordLoginTests(PasswordLoginTests.Fixture fixture) : IClassFixture<PasswordLoginTests.Fixture>
{
    private const string Invalid = "The email address or password is incorrect.";
    private const string Throttled = "Too many failed attempts.";

    private readonly MailroomApp _app = fixture.App;

    [Fact]
    public async Task APrimaryAddressOrAnAliasWithThePasswordSignsIn()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob", ("Slave", enterprise.Address("bb")));

        foreach (var address in new[] { bob, enterprise.Address("BB") })
        {
            using var browser = WebmailClient.For(_app);
            var answer = await LoginAsync(browser, address, WebmailSteps.MemberPassword);

            Assert.Equal(HttpStatusCode.Found, answer.Status);
            Assert.Equal("/mail", answer.Location);
            Assert.Contains("httponly", answer.SessionCookieAttributes);
            Assert.Contains("samesite=lax", answer.SessionCookieAttributes);
            Assert.Contains(bob, (await browser.GetAsync("/mail")).Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryFailureGetsTheSameAnswer()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var carol = await enterprise.AddWebmailMemberAsync("carol", ("OpenType", "2"));
        using var browser = WebmailClient.For(_app);

        var answers = new[]
        {
            await LoginAsync(browser, bob, "wrong-Passw0rd"),
            await LoginAsync(browser, enterprise.Address("ghost"), WebmailSteps.MemberPassword),
            await LoginAsync(browser, carol, WebmailSteps.MemberPassword),
            await LoginAsync(browser, "not an address", WebmailSteps.MemberPassword),
        };

        Assert.All(answers, answer =>
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Contains(Invalid, answer.Body, StringComparison.Ordinal);
            Assert.Null(answer.SessionSetCookie);
        });
        Assert.Null(browser.Session);
    }

    [Fact]
    public async Task AnAccountIsThrottledAfterRepeatedFailuresKnownOrNot()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        var ghost = enterprise.Address("ghost");
        using var browser = WebmailClient.For(_app);

        // The limit counts the account, whichever of its addresses is typed.
        for (var i = 0; i < 5; i++)
        {
            Assert.Contains(Invalid, (await LoginAsync(browser, i % 2 == 0 ? bob : enterprise.Address("bb"), "wrong-Passw0rd")).Body, StringComparison.Ordinal);
            Assert.Contains(Invalid, (await LoginAsync(browser, ghost, "wrong-Passw0rd")).Body, StringComparison.Ordinal);
        }

        var refused = await LoginAsync(browser, bob, WebmailSteps.MemberPassword);
        Assert.Contains(Throttled, refused.Body, StringComparison.Ordinal);
        Assert.Null(refused.SessionSetCookie);
        Assert.Contains(Throttled, (await LoginAsync(browser, ghost, "wrong-Passw0rd")).Body, StringComparison.Ordinal);

        // Another member of the enterprise is not affected.
        var alice = await enterprise.AddWebmailMemberAsync("alice");
        Assert.Equal(HttpStatusCode.Found, (await LoginAsync(browser, alice, WebmailSteps.MemberPassword)).Status);
    }

    [Fact]
    public async Task ThrottlingEndsWithItsWindow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new MailroomApp(
            settings: new Dictionary<string, string?> { ["Mailroom:Sso:LoginFailuresPerAccount"] = "2", ["Mailroom:Sso:LoginThrottleMinutes"] = "10" },
            configureServices: services => services.AddSingleton<TimeProvider>(time));
        var enterprise = await app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = WebmailClient.For(app);
        await LoginAsync(browser, bob, "wrong-Passw0rd");
        await LoginAsync(browser, bob, "wrong-Passw0rd");

        Assert.Contains("Try again in 10 minutes", (await LoginAsync(browser, bob, WebmailSteps.MemberPassword)).Body, StringComparison.Ordinal);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Found, (await LoginAsync(browser, bob, WebmailSteps.MemberPassword)).Status);
    }

    [Theory]
    [InlineData("/mail/message/abc", "/mail/message/abc")]
    [InlineData("https://evil.example/", "/mail")]
    [InlineData("//evil.example/", "/mail")]
    public async Task SignInReturnsOnlyToAWebmailPage(string returnUrl, string location)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = WebmailClient.For(_app);

        var answer = await LoginAsync(browser, bob, WebmailSteps.MemberPassword, returnUrl);

        Assert.Equal(location, answer.Location);
    }

    [Fact]
    public async Task ALoginFormWithoutItsAntiForgeryTokenIsRefused()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = WebmailClient.For(_app);

        var answer = await browser.PostFormAsync("/mail/login", ("address", bob), ("password", WebmailSteps.MemberPassword));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Null(answer.SessionSetCookie);
    }

    [Fact]
    public async Task WithTheSecondFactorOnTheFirstSignInEnrolsAnAuthenticatorAndEachCodeWorksOnce()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        (await enterprise.PostAsync("/openapi/user/openwxtoken", ("alias", bob))).AssertEmptySuccess();
        using var browser = WebmailClient.For(_app);

        var password = await LoginAsync(browser, bob, WebmailSteps.MemberPassword);
        Assert.Equal("/mail/login/verify?returnUrl=%2Fmail", password.Location);
        Assert.Null(password.SessionSetCookie);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/mail")).Status);

        var enrolment = await browser.GetAsync("/mail/login/verify");
        var secret = SecretOf(enrolment.Body);
        Assert.Contains("data:image/png;base64,", enrolment.Body, StringComparison.Ordinal);
        Assert.Equal(20, secret.Length);

        Assert.Contains("That code is not valid", (await VerifyAsync(browser, WrongCode(secret))).Body, StringComparison.Ordinal);
        var code = Totp.Code(secret, Totp.StepAt(DateTimeOffset.UtcNow));
        var enrolled = await VerifyAsync(browser, code);
        Assert.Equal(HttpStatusCode.Found, enrolled.Status);
        Assert.Equal("/mail", enrolled.Location);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/mail")).Status);

        // The next sign-in asks for a code, shows no secret, and does not take the one used to enrol.
        using var later = WebmailClient.For(_app);
        await LoginAsync(later, bob, WebmailSteps.MemberPassword);
        var prompt = await later.GetAsync("/mail/login/verify");
        Assert.DoesNotContain("data:image/png", prompt.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Base32.Encode(secret)[..8], prompt.Body, StringComparison.Ordinal);
        Assert.Contains("That code is not valid", (await VerifyAsync(later, code)).Body, StringComparison.Ordinal);
        var next = Totp.Code(secret, Totp.StepAt(DateTimeOffset.UtcNow) + 1);
        Assert.Equal(HttpStatusCode.Found, (await VerifyAsync(later, next)).Status);
        Assert.Equal(HttpStatusCode.OK, (await later.GetAsync("/mail")).Status);
    }

    [Fact]
    public async Task SwitchingTheSecondFactorOffAndOnAgainMeansEnrollingAnew()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        (await enterprise.PostAsync("/openapi/user/openwxtoken", ("alias", bob))).AssertEmptySuccess();
        using var browser = WebmailClient.For(_app);
        await LoginAsync(browser, bob, WebmailSteps.MemberPassword);
        var first = SecretOf((await browser.GetAsync("/mail/login/verify")).Body);
        Assert.Equal(HttpStatusCode.Found, (await VerifyAsync(browser, Totp.Code(first, Totp.StepAt(DateTimeOffset.UtcNow)))).Status);

        (await enterprise.PostAsync("/openapi/user/closewxtoken", ("alias", bob))).AssertEmptySuccess();
        using (var off = WebmailClient.For(_app))
        {
            Assert.Equal("/mail", (await LoginAsync(off, bob, WebmailSteps.MemberPassword)).Location);
        }

        (await enterprise.PostAsync("/openapi/user/openwxtoken", ("alias", bob))).AssertEmptySuccess();
        using var on = WebmailClient.For(_app);
        await LoginAsync(on, bob, WebmailSteps.MemberPassword);
        var second = SecretOf((await on.GetAsync("/mail/login/verify")).Body);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task WrongCodesCountTowardsTheAccountsLimit()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        (await enterprise.PostAsync("/openapi/user/openwxtoken", ("alias", bob))).AssertEmptySuccess();
        using var browser = WebmailClient.For(_app);
        await LoginAsync(browser, bob, WebmailSteps.MemberPassword);
        var secret = SecretOf((await browser.GetAsync("/mail/login/verify")).Body);

        for (var i = 0; i < 5; i++)
        {
            await VerifyAsync(browser, WrongCode(secret));
        }

        var refused = await VerifyAsync(browser, Totp.Code(secret, Totp.StepAt(DateTimeOffset.UtcNow)));
        Assert.Contains(Throttled, refused.Body, StringComparison.Ordinal);
        Assert.Null(refused.SessionSetCookie);
        using var again = WebmailClient.For(_app);
        Assert.Contains(Throttled, (await LoginAsync(again, bob, WebmailSteps.MemberPassword)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APendingSignInEndsWhenThePasswordChangesOrTimeRunsOut()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new MailroomApp(configureServices: services => services.AddSingleton<TimeProvider>(time));
        var enterprise = await app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        (await enterprise.PostAsync("/openapi/user/openwxtoken", ("alias", bob))).AssertEmptySuccess();

        using (var browser = WebmailClient.For(app))
        {
            await LoginAsync(browser, bob, WebmailSteps.MemberPassword);
            var secret = SecretOf((await browser.GetAsync("/mail/login/verify")).Body);
            var token = await browser.AntiForgeryTokenAsync("/mail/login/verify");
            time.Advance(TimeSpan.FromMinutes(5));
            var answer = await browser.PostFormAsync("/mail/login/verify", ("code", Totp.Code(secret, Totp.StepAt(time.GetUtcNow()))), ("__RequestVerificationToken", token));
            Assert.StartsWith("/mail/login?restart=true", answer.Location, StringComparison.Ordinal);
            Assert.Null(browser.Session);
        }

        using (var browser = WebmailClient.For(app))
        {
            await LoginAsync(browser, bob, WebmailSteps.MemberPassword);
            var secret = SecretOf((await browser.GetAsync("/mail/login/verify")).Body);
            var token = await browser.AntiForgeryTokenAsync("/mail/login/verify");
            (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Password", "another-Passw0rd"))).AssertEmptySuccess();
            var answer = await browser.PostFormAsync("/mail/login/verify", ("code", Totp.Code(secret, Totp.StepAt(time.GetUtcNow()))), ("__RequestVerificationToken", token));
            Assert.StartsWith("/mail/login?restart=true", answer.Location, StringComparison.Ordinal);
            Assert.Null(browser.Session);
        }
    }

    private static Task<WebmailClient.Page> LoginAsync(WebmailClient browser, string address, string password, string? returnUrl = null) =>
        browser.SubmitAsync(
            "/mail/login",
            "/mail/login",
            [("address", address), ("password", password), .. returnUrl is null ? Array.Empty<(string, string)>() : [("returnUrl", returnUrl)]]);

    private static Task<WebmailClient.Page> VerifyAsync(WebmailClient browser, string code) =>
        browser.SubmitAsync("/mail/login/verify", "/mail/login/verify", ("code", code));

    private static byte[] SecretOf(string page)
    {
        var shown = SecretText().Match(page);
        Assert.True(shown.Success, "the page shows no setup key");
        Assert.True(Base32.TryDecode(shown.Groups[1].Value, out var secret));
        return secret;
    }

    private static string WrongCode(byte[] secret)
    {
        var step = Totp.StepAt(DateTimeOffset.UtcNow);
        var valid = Enumerable.Range(-2, 5).Select(offset => Totp.Code(secret, step + offset)).ToHashSet();
        return Enumerable.Range(0, 10).Select(d => new string((char)('0' + d), 6)).First(c => !valid.Contains(c));
    }

    [GeneratedRegex("<textarea id=\"totp-secret\"[^>]*>([A-Z2-7 ]+)</textarea>")]
    private static partial Regex SecretText();

    /// <summary>
    /// The shared server of these tests, whose failures all come from one loopback address: its
    /// per-address limit is raised so that only the per-account limit these tests are about applies.
    /// </summary>
    public sealed class Fixture : IDisposable
    {
        public MailroomApp App { get; } = new(settings: new Dictionary<string, string?> { ["Mailroom:Sso:LoginFailuresPerSource"] = "100000" });

        public void Dispose() => App.Dispose();
    }
}
