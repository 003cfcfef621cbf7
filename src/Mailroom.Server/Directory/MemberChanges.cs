using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>
/// Records the member changes of one call (PROTOCOL.md §6.1). The first change takes the call's
/// version from the database; every change of the call shares it. Nothing is taken when nothing
/// changes, and a refused call rolls the version back with everything else.
/// </summary>
internal sealed class MemberChanges(StoreSession session, long enterpriseId, TimeProvider time, DirectoryVersions versions)
{
    // §6.1 numbers member changes as the Action parameter numbers requests.
    public const int Delete = SyncAction.Delete;
    public const int Add = SyncAction.Add;
    public const int Modify = SyncAction.Modify;

    private long _version;

    /// <summary>The call's version, taken on first use.</summary>
    public async Task<long> VersionAsync()
    {
        if (_version == 0)
        {
            _version = await EnterpriseStore.NextVersionAsync(session, enterpriseId, time.GetUtcNow());
            var version = _version;
            session.AfterCommit(() => versions.Observe(enterpriseId, version));
        }

        return _version;
    }

    /// <summary>Records a change of the call; <paramref name="memberStamped"/>: the member row already carries the call's version.</summary>
    public async Task RecordAsync(string address, int action, bool memberStamped = false)
    {
        await ChangeLogStore.RecordAsync(session, enterpriseId, await VersionAsync(), address, action, memberStamped);
    }
}
