using System.Diagnostics;
using Mailroom.Server.Directory;

namespace Mailroom.IntegrationTests;

/// <summary>user/sync stores a quick salted hash at once; the slow hash replaces it in the background.</summary>
public sealed class PasswordHardeningTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public PasswordHardeningTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task AddedPasswordEndsUpAsTheSlowHash()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Password", "correct horse"));
        var stored = await WaitForSlowHashAsync(enterprise, bob);
        Assert.StartsWith("pbkdf2-sha256-hmac$1000$", stored, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify(PasswordHasher.Md5Hex("correct horse"), stored));
        Assert.False(PasswordHasher.Verify(PasswordHasher.Md5Hex("wrong horse"), stored));
    }

    [Fact]
    public async Task ChangedPasswordIsHardenedAgainAndTheOldOneNoLongerVerifies()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Password", "first-password"));
        await WaitForSlowHashAsync(enterprise, bob);
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Password", "second-password"))).AssertEmptySuccess();

        var stored = await WaitForSlowHashAsync(enterprise, bob);
        Assert.True(PasswordHasher.Verify(PasswordHasher.Md5Hex("second-password"), stored));
        Assert.False(PasswordHasher.Verify(PasswordHasher.Md5Hex("first-password"), stored));
    }

    [Fact]
    public async Task DeletedMemberLeavesNothingQueued()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", bob))).AssertEmptySuccess();
        var readded = await enterprise.AddMemberAsync("bob", ("Password", "third-password"));
        var stored = await WaitForSlowHashAsync(enterprise, readded);
        Assert.True(PasswordHasher.Verify(PasswordHasher.Md5Hex("third-password"), stored));
    }

    private static async Task<string> WaitForSlowHashAsync(TestEnterprise enterprise, string address)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var stored = (await enterprise.MemberRowAsync(address))!.PasswordHash;
            if (!PasswordHasher.IsQuick(stored))
            {
                return stored;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the password was not hardened within 30 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
