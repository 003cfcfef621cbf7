using System.Text.Json;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.IntegrationTests;

/// <summary>Steps the member tests share: add members, read versions, look into the database.</summary>
internal static class TestDirectory
{
    public const string Password = "s3cret-Passw0rd";

    /// <summary>Adds a member through user/sync and returns its address.</summary>
    public static async Task<string> AddMemberAsync(this TestEnterprise enterprise, string local, params (string Name, string Value)[] extra)
    {
        var address = enterprise.Address(local);
        var parameters = new List<(string, string)> { ("Action", "2"), ("Alias", address), ("Name", local), ("Password", Password) };
        parameters.AddRange(extra);
        var response = await enterprise.PostAsync("/openapi/user/sync", [.. parameters]);
        response.AssertEmptySuccess();
        return address;
    }

    public static async Task<JsonElement> GetMemberAsync(this TestEnterprise enterprise, string alias)
    {
        var response = await enterprise.PostAsync("/openapi/user/get", ("alias", alias));
        Assert.Null(response.ErrCode);
        return response.Json;
    }

    /// <summary>user/list since <paramref name="ver"/>: (current version, [(Action, Alias)]).</summary>
    public static async Task<(long Ver, List<(int Action, string Alias)> List)> ListAsync(this TestEnterprise enterprise, long ver = 0)
    {
        var response = await enterprise.PostAsync("/openapi/user/list", ("Ver", ver.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Null(response.ErrCode);
        var json = response.Json;
        var list = json.GetProperty("List").EnumerateArray()
            .Select(e => (e.GetProperty("Action").GetInt32(), e.GetProperty("Alias").GetString()!))
            .ToList();
        Assert.Equal(list.Count, json.GetProperty("Count").GetInt32());
        return (json.GetProperty("Ver").GetInt64(), list);
    }

    public static async Task<long> VersionAsync(this TestEnterprise enterprise) => (await enterprise.ListAsync()).Ver;

    /// <summary>user/check of one address: its Type.</summary>
    public static async Task<int> CheckAsync(this TestEnterprise enterprise, string email)
    {
        var response = await enterprise.PostAsync("/openapi/user/check", ("email", email));
        Assert.Null(response.ErrCode);
        return response.Json.GetProperty("List")[0].GetProperty("Type").GetInt32();
    }

    public static Task<T> ReadAsync<T>(this TestEnterprise enterprise, Func<StoreSession, Task<T>> read) =>
        enterprise.App.Get<IDatabase>().ReadAsync(read, TestContext.Current.CancellationToken);

    public static async Task WriteAsync(this TestEnterprise enterprise, Func<StoreSession, Task> write)
    {
        var result = await enterprise.App.Get<IDatabase>().WriteAsync<Done>(
            async session =>
            {
                await write(session);
                return Done.Value;
            },
            operation: null,
            TestContext.Current.CancellationToken);
        Assert.False(result.IsError);
    }

    /// <summary>The stored member row, or null.</summary>
    /// <summary>
    /// The salt of a stored password: the same while the password is unchanged, also after the
    /// background hardener replaced its quick hash by the slow one.
    /// </summary>
    public static string PasswordSalt(string stored) => stored.Split('$')[^2];

    public static Task<MemberRow?> MemberRowAsync(this TestEnterprise enterprise, string address) =>
        enterprise.ReadAsync(session => MemberStore.FindAsync(session, enterprise.Id, address));

    /// <summary>Creates a mail group straight in the database (group/* is not needed for member tests).</summary>
    public static async Task<long> CreateGroupAsync(this TestEnterprise enterprise, string local, params string[] members)
    {
        long id = 0;
        await enterprise.WriteAsync(async session =>
        {
            id = (await session.ScalarAsync<long?>(
                "INSERT INTO mail_groups (enterprise_id, address, name, status) VALUES (@e, @a, @n, 'list') RETURNING id",
                ("@e", enterprise.Id), ("@a", enterprise.Address(local)), ("@n", local)))!.Value;
            foreach (var member in members)
            {
                var memberId = (await MemberStore.FindAsync(session, enterprise.Id, member))!.Id;
                await session.ExecuteAsync("INSERT INTO mail_group_members (group_id, member_id) VALUES (@g, @m)", ("@g", id), ("@m", memberId));
                await session.ExecuteAsync("INSERT INTO mail_group_allow_list (group_id, member_id) VALUES (@g, @m)", ("@g", id), ("@m", memberId));
            }
        });
        return id;
    }

    /// <summary>How many rows of a table name the member (group memberships, allow lists, authkeys...).</summary>
    public static Task<long> CountRowsAsync(this TestEnterprise enterprise, string table, long memberId) =>
        enterprise.ReadAsync(async session =>
            await session.ScalarAsync<long?>($"SELECT COUNT(*) FROM {table} WHERE member_id = @m", ("@m", memberId)) ?? 0);

    /// <summary>This enterprise's operation log, newest first.</summary>
    public static Task<List<StoredOperation>> OperationsAsync(this TestEnterprise enterprise) =>
        enterprise.ReadAsync(session => OperationStore.ListAsync(session, new OperationQuery(EnterpriseId: enterprise.Id, Limit: 1000)));

    /// <summary>Asserts the raw body is ASCII only (PROTOCOL.md §3).</summary>
    public static void AssertAscii(string body) => Assert.All(body, c => Assert.True(c < 128, $"non-ASCII character U+{(int)c:X4} in body"));

    /// <summary>The names of a JSON object's properties, in order.</summary>
    public static string[] Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
}
