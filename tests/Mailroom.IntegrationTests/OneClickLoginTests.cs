using System.Net;
using Mailroom.Server.Admin;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.IntegrationTests;

/// <summary>One-click login, <c>/cgi-bin/login</c> (PROTOCOL.md §7.4).</summary>
public sealed class OneClickLoginTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app = fixture.App;

    [Fact]
    public async Task AValidLinkStartsASessionAndRedirectsToTheInbox()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = WebmailClient.For(_app);

        var answer = await browser.GetAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)));

        Assert.Equal(HttpStatusCode.Found, answer.Status);
        Assert.Equal("/mail", answer.Location);
        var attributes = answer.SessionCookieAttributes;
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain("secure", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("expires=", StringComparison.Ordinal));

        var inbox = await browser.GetAsync("/mail");
        Assert.Equal(HttpStatusCode.OK, inbox.Status);
        Assert.Contains(bob, inbox.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutASessionTheInboxSendsToTheSignInPage()
    {
        using var browser = WebmailClient.For(_app);
        var answer = await browser.GetAsync("/mail");
        Assert.Equal(HttpStatusCode.Found, answer.Status);
        Assert.StartsWith("/mail/login?returnUrl=%2Fmail", new Uri(new Uri("http://x"), answer.Location).PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mx8_k2-QzA0aBcDeFgHiJkLm", "/mail/message/Mx8_k2-QzA0aBcDeFgHiJkLm")]
    [InlineData("../admin", "/mail")]
    [InlineData("a/b", "/mail")]
    [InlineData("", "/mail")]
    public async Task AMailIdSendsToThatMessageWhenItHasTheShapeOfOne(string mailId, string location)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = WebmailClient.For(_app);

        var answer = await browser.GetAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob), mailId));

        Assert.Equal(HttpStatusCode.Found, answer.Status);
        Assert.Equal(location, answer.Location);
        Assert.NotNull(answer.SessionSetCookie);
    }

    [Fact]
    public async Task AUsedTicketGetsTheNoLongerValidPageAndNoSession()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var link = enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob));
        using (var first = WebmailClient.For(_app))
        {
            Assert.Equal(HttpStatusCode.Found, (await first.GetAsync(link)).Status);
        }

        using var second = WebmailClient.For(_app);
        var answer = await second.GetAsync(link);

        AssertRefused(answer);
        Assert.Null(second.Session);
    }

    [Fact]
    public async Task TheRefusalPageIsInTheBrowsersLanguage()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        using var browser = WebmailClient.For(_app);
        var request = new HttpRequestMessage(HttpMethod.Get, enterprise.OneClickLink(enterprise.Address("bob"), new string('A', 112)));
        request.Headers.AcceptLanguage.ParseAdd("zh-CN,zh;q=0.9");

        var answer = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Contains("此登录链接已失效", answer.Body, StringComparison.Ordinal);
        Assert.Contains("lang=\"zh-Hans\"", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATicketExpiresAfterItsLifetime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new MailroomApp(
            settings: new Dictionary<string, string?> { ["Mailroom:Sso:AuthKeyLifetimeSeconds"] = "300" },
            configureServices: services => services.AddSingleton<TimeProvider>(time));
        var enterprise = await app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var early = await enterprise.AuthKeyAsync(bob);
        var late = await enterprise.AuthKeyAsync(bob);

        time.Advance(TimeSpan.FromSeconds(299));
        using (var browser = WebmailClient.For(app))
        {
            Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync(enterprise.OneClickLink(bob, early))).Status);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        using (var browser = WebmailClient.For(app))
        {
            AssertRefused(await browser.GetAsync(enterprise.OneClickLink(bob, late)));
            Assert.Null(browser.Session);
        }
    }

    [Fact]
    public async Task AnotherClientsAgentIsRefusedAndUsesTheTicketUp()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var other = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var ticket = await enterprise.AuthKeyAsync(bob);
        using var browser = WebmailClient.For(_app);

        AssertRefused(await browser.GetAsync(other.OneClickLink(bob, ticket)));
        AssertRefused(await browser.GetAsync(enterprise.OneClickLink(bob, ticket)));
        Assert.Null(browser.Session);
    }

    [Fact]
    public async Task AnUnknownAgentIsRefused()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var link = enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob))
            .Replace("agent=" + Uri.EscapeDataString(enterprise.ClientId), "agent=nobody-here", StringComparison.Ordinal);
        using var browser = WebmailClient.For(_app);
        AssertRefused(await browser.GetAsync(link));
    }

    [Fact]
    public async Task AnotherMembersAddressIsRefused()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var alice = await enterprise.AddWebmailMemberAsync("alice");
        using var browser = WebmailClient.For(_app);

        AssertRefused(await browser.GetAsync(enterprise.OneClickLink(alice, await enterprise.AuthKeyAsync(bob))));
        AssertRefused(await browser.GetAsync(enterprise.OneClickLink("bob@elsewhere.example", await enterprise.AuthKeyAsync(bob))));
        AssertRefused(await browser.GetAsync(enterprise.OneClickLink("not an address", await enterprise.AuthKeyAsync(bob))));
    }

    [Fact]
    public async Task AnyAddressOfTheMemberNamesIt()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        using var browser = WebmailClient.For(_app);

        var answer = await browser.GetAsync(enterprise.OneClickLink(enterprise.Address("BB"), await enterprise.AuthKeyAsync(bob)));

        Assert.Equal(HttpStatusCode.Found, answer.Status);
        Assert.Contains(bob, (await browser.GetAsync("/mail")).Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/cgibin/login")]
    [InlineData("/CGI-BIN/Login")]
    [InlineData("/cgi-bin/login/")]
    public async Task ThePublishedSpellingAndOtherCasingsWork(string path)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = WebmailClient.For(_app);

        var answer = await browser.GetAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob), path: path));

        Assert.Equal(HttpStatusCode.Found, answer.Status);
        Assert.Equal("/mail", answer.Location);
        Assert.NotNull(answer.SessionSetCookie);
    }

    [Fact]
    public async Task APostWithTheParametersInTheBodyWorks()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var ticket = (await enterprise.AuthKeyAsync(bob)).ToLowerInvariant();
        using var browser = WebmailClient.For(_app);

        var answer = await browser.PostFormAsync(
            "/cgi-bin/login?fun=bizopenssologin",
            ("METHOD", "bizauth"), ("agent", enterprise.ClientId), ("user", bob), ("ticket", ticket));

        Assert.Equal(HttpStatusCode.Found, answer.Status);
        Assert.NotNull(answer.SessionSetCookie);
    }

    [Theory]
    [InlineData("fun")]
    [InlineData("method")]
    [InlineData("agent")]
    [InlineData("user")]
    [InlineData("ticket")]
    public async Task AMissingParameterIsRefusedWithoutUsingTheTicket(string missing)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var ticket = await enterprise.AuthKeyAsync(bob);
        var parameters = new Dictionary<string, string>
        {
            ["fun"] = "bizopenssologin",
            ["method"] = "bizauth",
            ["agent"] = enterprise.ClientId,
            ["user"] = bob,
            ["ticket"] = ticket,
        };
        parameters.Remove(missing);
        using var browser = WebmailClient.For(_app);

        AssertRefused(await browser.GetAsync("/cgi-bin/login?" + string.Join('&', parameters.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"))));

        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync(enterprise.OneClickLink(bob, ticket))).Status);
    }

    [Theory]
    [InlineData("fun", "bizopenlogin")]
    [InlineData("method", "password")]
    [InlineData("ticket", "not-hex")]
    public async Task AWrongFunMethodOrTicketShapeIsRefused(string name, string value)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var link = enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)) + $"&{name}={value}";
        using var browser = WebmailClient.For(_app);
        AssertRefused(await browser.GetAsync(link));
    }

    [Fact]
    public async Task OfConcurrentUsesOfOneTicketExactlyOneSignsIn()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var link = enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob));
        var browsers = Enumerable.Range(0, 12).Select(_ => WebmailClient.For(_app)).ToList();
        try
        {
            using var start = new SemaphoreSlim(0);
            var attempts = browsers.Select(async b =>
            {
                await start.WaitAsync(TestContext.Current.CancellationToken);
                return await b.GetAsync(link);
            }).ToList();
            start.Release(browsers.Count);
            var answers = await Task.WhenAll(attempts);

            Assert.Single(answers, a => a.Status == HttpStatusCode.Found);
            Assert.Equal(browsers.Count - 1, answers.Count(a => a.Status == HttpStatusCode.Forbidden));
            Assert.Single(browsers, b => b.Session is not null);
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public async Task AHeadRequestDoesNotUseTheTicketUp()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var link = enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob));
        using var browser = WebmailClient.For(_app);

        var head = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Head, link));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, head.Status);
        Assert.Null(head.SessionSetCookie);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync(link)).Status);
    }

    [Fact]
    public async Task TheSecondFactorIsNotAskedForOnOneClick()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        (await enterprise.PostAsync("/openapi/user/openwxtoken", ("alias", bob))).AssertEmptySuccess();
        using var browser = WebmailClient.For(_app);

        var answer = await browser.GetAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)));

        Assert.Equal("/mail", answer.Location);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/mail")).Status);
    }

    [Fact]
    public async Task ARegeneratedInterfaceKeyVoidsOutstandingTickets()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var ticket = await enterprise.AuthKeyAsync(bob);
        Assert.False((await _app.Get<EnterpriseService>().RotateKeyAsync(enterprise.ClientId, TestContext.Current.CancellationToken)).IsError);

        using var browser = WebmailClient.For(_app);
        AssertRefused(await browser.GetAsync(enterprise.OneClickLink(bob, ticket)));
    }

    private static void AssertRefused(WebmailClient.Page answer)
    {
        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Contains("This sign-in link is no longer valid", answer.Body, StringComparison.Ordinal);
        Assert.Null(answer.SessionSetCookie);
        Assert.Null(answer.Location);
    }
}
