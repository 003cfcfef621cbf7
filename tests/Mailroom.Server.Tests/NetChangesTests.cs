using Mailroom.Contracts;
using Mailroom.Server.Directory;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Tests;

/// <summary>The net effect of user/list (PROTOCOL.md §6.4) from a change log.</summary>
public sealed class NetChangesTests
{
    [Fact]
    public void NetEffectFollowsFromTheFirstAndLastChangeOfEachAddress()
    {
        ChangeRow[] log =
        [
            new(10, "added-modified", 2),
            new(11, "added-deleted", 2),
            new(12, "existed-deleted", 3),
            new(13, "existed-deleted-added", 1),
            new(14, "existed-modified", 3),
            new(15, "added-modified", 3),
            new(16, "added-deleted", 1),
            new(17, "existed-deleted", 1),
            new(18, "existed-deleted-added", 2),
            new(19, "existed-modified", 3),
        ];

        Assert.Equal(
            [new MemberChange(2, "added-modified"), new MemberChange(1, "existed-deleted"), new MemberChange(3, "existed-deleted-added"), new MemberChange(3, "existed-modified")],
            MemberService.NetChanges(log));
    }

    [Fact]
    public void OrderIsByEachAddresssLastChange()
    {
        ChangeRow[] log = [new(1, "a", 3), new(2, "b", 3), new(3, "a", 3), new(3, "c", 2)];
        Assert.Equal(["b", "a", "c"], MemberService.NetChanges(log).Select(c => c.Alias));
    }

    [Fact]
    public void NoChangesIsAnEmptyList() => Assert.Empty(MemberService.NetChanges([]));
}
