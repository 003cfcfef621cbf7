using System.Text.Json;
using Mailroom.Contracts;
using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Mailroom.IntegrationTests;

/// <summary>
/// user/get answers are cached per process (MemberProfileCache); whatever changes a member, the
/// next user/get shows it, by the primary address and by every alias. Each test first makes sure
/// the old answers are held in the cache, so that it is the cache that is being checked.
/// </summary>
public sealed class ProfileCacheTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public ProfileCacheTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task NameChangeIsSeenByPrimaryAndAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        await PrimeAsync(enterprise, bob, enterprise.Address("bb"));

        await ModifyAsync(enterprise, bob, ("Name", "Robert"));

        foreach (var alias in new[] { bob, enterprise.Address("bb"), enterprise.Address("BB") })
        {
            var json = await enterprise.GetMemberAsync(alias);
            Assert.Equal("Robert", json.GetProperty("Name").GetString());
            Assert.Equal(bob, json.GetProperty("Alias").GetString());
        }
    }

    [Fact]
    public async Task SlaveChangeIsSeenAndTheRemovedAliasIsNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        await PrimeAsync(enterprise, bob, enterprise.Address("bb"));

        await ModifyAsync(enterprise, bob, ("Slave", enterprise.Address("cc")));

        Assert.Equal(enterprise.Address("cc"), (await enterprise.GetMemberAsync(bob)).GetProperty("SlaveList").GetString());
        Assert.Equal(bob, (await enterprise.GetMemberAsync(enterprise.Address("cc"))).GetProperty("Alias").GetString());
        (await GetAsync(enterprise, enterprise.Address("bb"))).AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task PartyPathChangeIsSeenByPrimaryAndAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "IT");
        await TestDepartments.CreateAsync(enterprise, "HR/招聘");
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")), ("PartyPath", "IT"));
        await PrimeAsync(enterprise, bob, enterprise.Address("bb"));

        await ModifyAsync(enterprise, bob, ("PartyPath", "HR/招聘"), ("PartyPath", "IT"));

        foreach (var alias in new[] { bob, enterprise.Address("bb") })
        {
            Assert.Equal(["HR/招聘", "IT"], Paths(await enterprise.GetMemberAsync(alias)));
        }
    }

    [Fact]
    public async Task RenameOfTheMembersDepartmentIsSeenByPrimaryAndAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "研发/后端");
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")), ("PartyPath", "研发/后端"));
        await PrimeAsync(enterprise, bob, enterprise.Address("bb"));

        (await enterprise.PostAsync("/openapi/party/sync", ("Action", "3"), ("SrcPath", "研发"), ("DstPath", "技术/开发"))).AssertEmptySuccess();

        foreach (var alias in new[] { bob, enterprise.Address("bb") })
        {
            Assert.Equal(["技术/开发/后端"], Paths(await enterprise.GetMemberAsync(alias)));
        }
    }

    [Fact]
    public async Task DisableIsSeenByPrimaryAndAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        await PrimeAsync(enterprise, bob, enterprise.Address("bb"));

        await ModifyAsync(enterprise, bob, ("OpenType", "2"));

        foreach (var alias in new[] { bob, enterprise.Address("bb") })
        {
            var json = await enterprise.GetMemberAsync(alias);
            Assert.Equal(2, json.GetProperty("OpenType").GetInt32());
            Assert.Equal(2, json.GetProperty("Status").GetInt32());
        }
    }

    [Fact]
    public async Task SwapAliasIsSeenByTheOldAndTheNewPrimary()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var robert = enterprise.Address("robert");
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", robert));
        await PrimeAsync(enterprise, bob, robert);

        (await enterprise.PostAsync("/openapi/user/swapalias", ("alias", bob), ("slavealias", robert))).AssertEmptySuccess();

        foreach (var alias in new[] { bob, robert })
        {
            var json = await enterprise.GetMemberAsync(alias);
            Assert.Equal(robert, json.GetProperty("Alias").GetString());
            Assert.Equal(bob, json.GetProperty("SlaveList").GetString());
        }
    }

    [Fact]
    public async Task DeleteIsSeenAndAReAddWithOtherFieldsShowsOnlyTheNewMember()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "IT");
        var bb = enterprise.Address("bb");
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", bb), ("PartyPath", "IT"), ("Position", "Engineer"));
        await PrimeAsync(enterprise, bob, bb);

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", bob))).AssertEmptySuccess();

        (await GetAsync(enterprise, bob)).AssertError("1301", "user_not_found");
        (await GetAsync(enterprise, bb)).AssertError("1301", "user_not_found");

        await enterprise.AddMemberAsync("bob", ("Name", "Bob Two"), ("Gender", "2"));

        var json = await enterprise.GetMemberAsync(bob);
        Assert.Equal("Bob Two", json.GetProperty("Name").GetString());
        Assert.Equal(2, json.GetProperty("Gender").GetInt32());
        Assert.Equal("", json.GetProperty("Position").GetString());
        Assert.Equal("", json.GetProperty("SlaveList").GetString());
        Assert.Empty(Paths(json));
        (await GetAsync(enterprise, bb)).AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task DeleteAndReAddWithoutAReadBetweenShowTheNewMember()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bb = enterprise.Address("bb");
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", bb), ("Position", "Engineer"));
        await PrimeAsync(enterprise, bob, bb);

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", bob))).AssertEmptySuccess();
        await enterprise.AddMemberAsync("bob", ("Position", "Manager"));

        Assert.Equal("Manager", (await enterprise.GetMemberAsync(bob)).GetProperty("Position").GetString());
        (await GetAsync(enterprise, bb)).AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task UnknownMemberIsNotCachedAndAnAddIsSeen()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = enterprise.Address("ann");
        (await GetAsync(enterprise, ann)).AssertError("1301", "user_not_found");
        Assert.False(IsCached(enterprise, ann));

        await enterprise.AddMemberAsync("ann");

        Assert.Equal(ann, (await enterprise.GetMemberAsync(ann)).GetProperty("Alias").GetString());
    }

    [Fact]
    public async Task ChangesOfOtherMembersInvalidateNothingThatIsServedWrong()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        var ann = await enterprise.AddMemberAsync("ann");
        await PrimeAsync(enterprise, bob, enterprise.Address("bb"));
        var before = (await GetAsync(enterprise, bob)).Body;

        await ModifyAsync(enterprise, ann, ("Name", "Anna"));

        Assert.Equal(before, (await GetAsync(enterprise, bob)).Body);
        Assert.Equal(before, (await GetAsync(enterprise, enterprise.Address("bb"))).Body);
        Assert.Equal("Anna", (await enterprise.GetMemberAsync(ann)).GetProperty("Name").GetString());
    }

    [Fact]
    public async Task GroupAndSecondFactorChangesKeepTheCachedAnswerRight()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        await PrimeAsync(enterprise, bob, enterprise.Address("bb"));
        var before = (await GetAsync(enterprise, bob)).Body;

        (await enterprise.PostAsync(
            "/openapi/group/add",
            ("group_name", "Dev"), ("group_admin", enterprise.Address("dev")), ("status", "all"), ("members", bob))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/user/openwxtoken", ("alias", bob))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/group/delete", ("group_alias", enterprise.Address("dev")))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/user/closewxtoken", ("alias", enterprise.Address("bb")))).AssertEmptySuccess();

        // These take no version (§6.1): the cached answer is still current, and still right.
        Assert.True(IsCached(enterprise, bob));
        Assert.Equal(before, (await GetAsync(enterprise, bob)).Body);
        Assert.Equal(before, (await GetAsync(enterprise, enterprise.Address("bb"))).Body);
    }

    [Fact]
    public async Task ReadsRacingWritesNeverShowAnAnsweredChangeUndone()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bb = enterprise.Address("bb");
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", bb), ("Position", "0"));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        // Readers keep filling the cache, some from snapshots taken just before each change.
        var readers = Enumerable.Range(0, 4).Select(i => Task.Run(
            async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await GetAsync(enterprise, i % 2 == 0 ? bob : bb);
                }
            },
            CancellationToken.None)).ToList();
        try
        {
            for (var n = 1; n <= 40; n++)
            {
                var position = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ModifyAsync(enterprise, bob, ("Position", position));
                Assert.Equal(position, (await enterprise.GetMemberAsync(bob)).GetProperty("Position").GetString());
                Assert.Equal(position, (await enterprise.GetMemberAsync(bb)).GetProperty("Position").GetString());
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
        }
    }

    [Fact]
    public async Task AReadOfASnapshotBeforeAnAnsweredChangeIsNotServedAfterIt()
    {
        var held = new HeldProfileReads();
        using var app = new MailroomApp(configureServices: services => services.AddSingleton<IDatabase>(sp => held.Wrap(sp.GetRequiredService<SqliteDatabase>())));
        var enterprise = await app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Position", "0"));
        await ModifyAsync(enterprise, bob, ("Position", "1"));

        // This user/get reads its snapshot (Position 1) and is held there until released.
        held.Arm();
        var early = GetAsync(enterprise, bob);
        await held.ReadDone.Task.WaitAsync(TestContext.Current.CancellationToken);

        await ModifyAsync(enterprise, bob, ("Position", "2"));
        held.Release();

        Assert.Equal("1", (await early).Json.GetProperty("Position").GetString());
        Assert.Equal("2", (await enterprise.GetMemberAsync(bob)).GetProperty("Position").GetString());
        Assert.Equal("2", (await enterprise.GetMemberAsync(bob)).GetProperty("Position").GetString());
    }

    [Fact]
    public async Task WithTheCacheOffAnswersAreReadEveryTime()
    {
        using var app = new MailroomApp(settings: new Dictionary<string, string?> { ["Mailroom:Directory:ProfileCacheEntries"] = "0" });
        var enterprise = await app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        Assert.Equal("bob", (await enterprise.GetMemberAsync(bob)).GetProperty("Name").GetString());
        Assert.Equal("bob", (await enterprise.GetMemberAsync(enterprise.Address("bb"))).GetProperty("Name").GetString());

        await ModifyAsync(enterprise, bob, ("Name", "Robert"));

        Assert.Equal("Robert", (await enterprise.GetMemberAsync(bob)).GetProperty("Name").GetString());
        Assert.Equal("Robert", (await enterprise.GetMemberAsync(enterprise.Address("bb"))).GetProperty("Name").GetString());
        Assert.Equal(0, app.Get<MemberProfileCache>().Count);
    }

    private static Task<ApiResponse> GetAsync(TestEnterprise enterprise, string alias) =>
        enterprise.PostAsync("/openapi/user/get", ("alias", alias));

    private static async Task ModifyAsync(TestEnterprise enterprise, string alias, params (string Name, string Value)[] fields) =>
        (await enterprise.PostAsync("/openapi/user/sync", [("Action", "3"), ("Alias", alias), .. fields])).AssertEmptySuccess();

    // Reads each address and checks that its answer is now held, so the change that follows is
    // made against a warm cache.
    private async Task PrimeAsync(TestEnterprise enterprise, params string[] aliases)
    {
        foreach (var alias in aliases)
        {
            Assert.Null((await GetAsync(enterprise, alias)).ErrCode);
            Assert.True(IsCached(enterprise, alias), $"{alias} is not cached");
        }
    }

    private bool IsCached(TestEnterprise enterprise, string alias) =>
        _app.Get<MemberProfileCache>().TryGet(enterprise.Id, alias.ToLowerInvariant(), out _);

    private static List<string> Paths(JsonElement profile) =>
        [.. profile.GetProperty("PartyList").GetProperty("List").EnumerateArray().Select(e => e.GetProperty("Value").GetString()!)];

    /// <summary>
    /// Holds the next user/get read, once armed, inside its snapshot after it has read everything,
    /// so that a write can commit and be answered while the read's answer is still on its way.
    /// </summary>
    private sealed class HeldProfileReads
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        public TaskCompletionSource ReadDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Arm() => Volatile.Write(ref _armed, 1);

        public void Release() => _release.TrySetResult();

        public IDatabase Wrap(IDatabase inner) => new Database(this, inner);

        private sealed class Database(HeldProfileReads owner, IDatabase inner) : IDatabase
        {
            public Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> read, CancellationToken cancellationToken)
            {
                // Only the profile read of user/get carries a MemberProfile in its result.
                if (!typeof(T).ToString().Contains(nameof(MemberProfile), StringComparison.Ordinal))
                {
                    return inner.ReadAsync(read, cancellationToken);
                }

                return inner.ReadAsync(
                    async session =>
                    {
                        var result = await read(session);
                        if (Interlocked.Exchange(ref owner._armed, 0) == 1)
                        {
                            owner.ReadDone.TrySetResult();
                            await owner._release.Task;
                        }

                        return result;
                    },
                    cancellationToken);
            }

            public Task<Result<T>> WriteAsync<T>(Func<StoreSession, Task<Result<T>>> work, Func<ProtocolError?, OperationRecord>? operation, CancellationToken cancellationToken) =>
                inner.WriteAsync(work, operation, cancellationToken);
        }
    }
}
