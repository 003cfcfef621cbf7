namespace Mailroom.IntegrationTests.Push;

/// <summary>Many held listens at once: a change wakes exactly the listens of its enterprise.</summary>
public sealed class ListenScaleTests
{
    private const int ClientsPerEnterprise = 10;
    private const int ConnectionsPerClient = 100;

    [Fact]
    public async Task OneChangeAnswersAllTheListensOfItsEnterpriseAndNoneOfAnother()
    {
        const int perEnterprise = ClientsPerEnterprise * ConnectionsPerClient;
        using var app = new MailroomApp(settings: new Dictionary<string, string?>
        {
            // One client_id per enterprise (§2.3), so its limit is raised to hold them all.
            ["Mailroom:Listen:MaxListensPerClient"] = perEnterprise.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var a = await app.CreateEnterpriseAsync();
        var b = await app.CreateEnterpriseAsync();
        var verA = await Listens.CurrentVersionAsync(a);
        var verB = await Listens.CurrentVersionAsync(b);
        var listensA = new List<RawConnection>();
        var listensB = new List<RawConnection>();
        try
        {
            // 20 clients, 10 per enterprise, each with 100 connections: a client connects its own at once.
            for (var client = 0; client < ClientsPerEnterprise; client++)
            {
                listensA.AddRange(await Task.WhenAll(Enumerable.Range(0, ConnectionsPerClient).Select(_ => Listens.HoldAsync(a, verA))));
                listensB.AddRange(await Task.WhenAll(Enumerable.Range(0, ConnectionsPerClient).Select(_ => Listens.HoldAsync(b, verB))));
            }

            // A busy machine may take a while to accept 2,000 connections.
            await Listens.HeldAsync(a, perEnterprise, TimeSpan.FromMinutes(1));
            await Listens.HeldAsync(b, perEnterprise, TimeSpan.FromMinutes(1));

            await Listens.ChangeMemberAsync(a, "zoe");
            var newA = await Listens.CurrentVersionAsync(a);

            var answers = await Task.WhenAll(listensA.Select(c => c.ReadResponseAsync()));
            Assert.All(answers, r => Assert.Equal(newA, r.Ver));
            Assert.Equal(0, Listens.Status(a).Held);
            Assert.Equal(perEnterprise, Listens.Status(b).Held);
            Assert.DoesNotContain(listensB, c => c.HasData);

            await Listens.ChangeMemberAsync(b, "yann");
            var newB = await Listens.CurrentVersionAsync(b);
            Assert.All(await Task.WhenAll(listensB.Select(c => c.ReadResponseAsync())), r => Assert.Equal(newB, r.Ver));
        }
        finally
        {
            listensA.ForEach(c => c.Dispose());
            listensB.ForEach(c => c.Dispose());
        }
    }
}
