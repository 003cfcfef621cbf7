using Mailroom.Server.Admin;

namespace Mailroom.IntegrationTests.Push;

/// <summary>/openapi/listen (PROTOCOL.md §5): version updates, held listens, the event queue's hand-over rules.</summary>
public sealed class ListenTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public ListenTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task StaleZeroOrAbsentVerIsAnsweredAtOnceWithTheCurrentVersionAsAString()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var current = await Listens.CurrentVersionAsync(enterprise);

        foreach (var ver in new long?[] { null, 0, current - 1 })
        {
            var answer = await Listens.ListenAsync(enterprise, ver);
            Assert.Equal(200, answer.Status);
            Assert.Equal($"{{\"Ver\":\"{current}\"}}", answer.Body);
            Assert.Equal("application/json; charset=utf-8", answer.Headers["Content-Type"]);
        }
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public async Task VerThatIsNotANonNegativeIntegerIsVerInvalid(string ver)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await enterprise.PostAsync("/openapi/listen", ("Ver", ver))).AssertError("1600", "ver_invalid");
    }

    [Fact]
    public async Task VerNewerThanTheCurrentVersionIsVerInvalid()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var current = await Listens.CurrentVersionAsync(enterprise);
        (await enterprise.PostAsync("/openapi/listen", ("Ver", (current + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))).AssertError("1600", "ver_invalid");
    }

    [Fact]
    public async Task ListenWithoutAValidTokenIsRefused()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        using var connection = await RawConnection.OpenAsync(_app.BaseAddress);
        await connection.SendListenAsync("forged", 0);
        var answer = await connection.ReadResponseAsync();
        Assert.Equal("1200", answer.Json.GetProperty("errcode").GetString());
        Assert.Equal(0, Listens.Status(enterprise).Held);
    }

    [Fact]
    public async Task HeldListenIsAnsweredWithTheNewVersionWhenAnotherConnectionChangesAMember()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var before = await Listens.CurrentVersionAsync(enterprise);
        using var listen = await Listens.HoldAsync(enterprise, before);
        await Listens.HeldAsync(enterprise, 1);
        Assert.False(listen.HasData);

        await Listens.ChangeMemberAsync(enterprise, "carol");

        var answer = await listen.ReadResponseAsync();
        var after = await Listens.CurrentVersionAsync(enterprise);
        Assert.True(after > before);
        Assert.Equal(after, answer.Ver);
        Assert.Equal(0, Listens.Status(enterprise).Held);
    }

    [Fact]
    public async Task ChangesOfAnotherEnterpriseDoNotAnswerAListen()
    {
        var mine = await _app.CreateEnterpriseAsync();
        var other = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(mine);
        using var listen = await Listens.HoldAsync(mine, ver);
        await Listens.HeldAsync(mine, 1);

        await Listens.ChangeMemberAsync(other, "dave");
        await Listens.NewMailAsync(other, "M-OTHER");

        Assert.Equal(1, Listens.Status(mine).Held);
        Assert.False(listen.HasData);
        await Listens.ChangeMemberAsync(mine, "erin");
        Assert.Equal(await Listens.CurrentVersionAsync(mine), (await listen.ReadResponseAsync()).Ver);
    }

    [Fact]
    public async Task TheSeventeenthListenOfAClientLetsTheOldestGoWithRetZero()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        var held = new List<RawConnection>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                held.Add(await Listens.HoldAsync(enterprise, ver));
                await Listens.HeldAsync(enterprise, i + 1);
            }

            held.Add(await Listens.HoldAsync(enterprise, ver));

            Assert.True((await held[0].ReadResponseAsync()).IsRet, "the oldest is answered {\"Ret\":0}");
            await Listens.HeldAsync(enterprise, 16);
            Assert.All(held.Skip(1), c => Assert.False(c.HasData));

            await Listens.ChangeMemberAsync(enterprise, "frank");
            var version = await Listens.CurrentVersionAsync(enterprise);
            foreach (var connection in held.Skip(1))
            {
                Assert.Equal(version, (await connection.ReadResponseAsync()).Ver);
            }
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task AQueuedEventIsAnsweredAtOnceAndOnlyOnce()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        await Listens.ListenAsync(enterprise, 0); // a finished listen: the client is online
        await Listens.NewMailAsync(enterprise, "M-1", newCount: 549);
        await Listens.UnreadAsync(enterprise, 550);

        var mail = await Listens.ListenAsync(enterprise, ver);
        Assert.Equal("M-1", Listens.MailId(mail));
        Assert.Equal(enterprise.Address("bob"), mail.Json.GetProperty("UserName").GetString());
        Assert.Equal("\"Test\" <test@example.com>", mail.Json.GetProperty("Sender").GetString());
        Assert.Equal(549, mail.Json.GetProperty("NewCount").GetInt32());
        Assert.Equal(7, mail.Json.EnumerateObject().Count());

        var unread = await Listens.ListenAsync(enterprise, ver);
        Assert.Equal($"{{\"UserName\":\"{enterprise.Address("bob")}\",\"NewCount\":550}}", unread.Body);

        using var next = await Listens.HoldAsync(enterprise, ver);
        await Listens.HeldAsync(enterprise, 1);
        Assert.Equal(0, Listens.Status(enterprise).Queued);
    }

    [Fact]
    public async Task AVersionUpdateComesBeforeQueuedEvents()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        await Listens.ListenAsync(enterprise, 0);
        await Listens.NewMailAsync(enterprise, "M-1");
        await Listens.ChangeMemberAsync(enterprise, "gina");
        var current = await Listens.CurrentVersionAsync(enterprise);

        Assert.Equal(current, (await Listens.ListenAsync(enterprise, ver)).Ver);
        Assert.Equal("M-1", Listens.MailId(await Listens.ListenAsync(enterprise, current)));
    }

    [Fact]
    public async Task EachEventGoesToExactlyOneOfTheHeldListens()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        using var first = await Listens.HoldAsync(enterprise, ver);
        await Listens.HeldAsync(enterprise, 1);
        using var second = await Listens.HoldAsync(enterprise, ver);
        await Listens.HeldAsync(enterprise, 2);

        await Listens.NewMailAsync(enterprise, "M-A");
        Assert.Equal("M-A", Listens.MailId(await first.ReadResponseAsync()));
        await Listens.HeldAsync(enterprise, 1);
        Assert.False(second.HasData);

        await Listens.NewMailAsync(enterprise, "M-B");
        Assert.Equal("M-B", Listens.MailId(await second.ReadResponseAsync()));
        Assert.Equal(0, Listens.Status(enterprise).Queued);
    }

    [Fact]
    public async Task AnEventForAListenWhoseClientLeftIsAnsweredToTheNextListen()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        var gone = await Listens.HoldAsync(enterprise, ver);
        await Listens.HeldAsync(enterprise, 1);

        // The event comes right after the reset, before or after the server noticed it: either way
        // it must not be lost with the connection, nor delivered twice.
        gone.Reset();
        await Listens.NewMailAsync(enterprise, "M-LOST?");

        Assert.Equal("M-LOST?", Listens.MailId(await Listens.ListenAsync(enterprise, ver)));
        using var next = await Listens.HoldAsync(enterprise, ver);
        await Listens.HeldAsync(enterprise, 1);
        await Listens.NewMailAsync(enterprise, "M-NEXT");
        Assert.Equal("M-NEXT", Listens.MailId(await next.ReadResponseAsync()));
    }

    [Fact]
    public async Task AListenAnswerLeavesTheKeepAliveConnectionUsable()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        using var connection = await RawConnection.OpenAsync(_app.BaseAddress);

        await connection.SendListenAsync(enterprise.Token, 0);
        var atOnce = await connection.ReadResponseAsync();
        Assert.Equal(ver, atOnce.Ver);
        Assert.NotEqual("close", atOnce.Headers.GetValueOrDefault("Connection"));

        await connection.SendListenAsync(enterprise.Token, ver);
        await Listens.HeldAsync(enterprise, 1);
        await Listens.ChangeMemberAsync(enterprise, "hank");
        var woken = await connection.ReadResponseAsync();
        Assert.Equal(await Listens.CurrentVersionAsync(enterprise), woken.Ver);

        await connection.SendAsync("/openapi/user/get", enterprise.Token, "alias=" + Uri.EscapeDataString(enterprise.Address("hank")));
        var profile = await connection.ReadResponseAsync();
        Assert.Equal(enterprise.Address("hank"), profile.Json.GetProperty("Alias").GetString());
    }

    [Fact]
    public async Task HeldListensAreLetGoWhenTheApiIsSwitchedOffAndTheNextIsRefused()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        using var listen = await Listens.HoldAsync(enterprise, ver);
        await Listens.HeldAsync(enterprise, 1);

        Assert.False((await _app.Get<EnterpriseService>().SetApiEnabledAsync(enterprise.ClientId, false, TestContext.Current.CancellationToken)).IsError);

        Assert.True((await listen.ReadResponseAsync()).IsRet);
        await listen.SendListenAsync(enterprise.Token, ver);
        Assert.Equal("1201", (await listen.ReadResponseAsync()).Json.GetProperty("errcode").GetString());
        Assert.Equal(0, Listens.Status(enterprise).Held);
    }

    [Fact]
    public async Task HeldListensAreLetGoWhenTheKeyIsRegeneratedAndTheOldTokenIsRefused()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var other = await _app.CreateEnterpriseAsync();
        var ver = await Listens.CurrentVersionAsync(enterprise);
        var otherVer = await Listens.CurrentVersionAsync(other);
        using var listen = await Listens.HoldAsync(enterprise, ver);
        using var otherListen = await Listens.HoldAsync(other, otherVer);
        await Listens.HeldAsync(enterprise, 1);
        await Listens.HeldAsync(other, 1);

        Assert.False((await _app.Get<EnterpriseService>().RotateKeyAsync(enterprise.ClientId, TestContext.Current.CancellationToken)).IsError);

        Assert.True((await listen.ReadResponseAsync()).IsRet);
        await listen.SendListenAsync(enterprise.Token, ver);
        Assert.Equal("1200", (await listen.ReadResponseAsync()).Json.GetProperty("errcode").GetString());
        Assert.Equal(1, Listens.Status(other).Held);
        Assert.False(otherListen.HasData);
    }
}
