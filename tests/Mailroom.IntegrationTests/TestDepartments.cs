using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.IntegrationTests;

/// <summary>
/// Creates departments straight in the database, for member tests that need them without
/// depending on party/sync.
/// </summary>
internal static class TestDepartments
{
    /// <summary>Creates <paramref name="path"/> ('/'-separated) and any missing parents.</summary>
    public static async Task CreateAsync(TestEnterprise enterprise, string path)
    {
        var result = await enterprise.App.Get<IDatabase>().WriteAsync<Done>(
            async session =>
            {
                long parent = 0;
                foreach (var segment in path.Trim('/').Split('/'))
                {
                    parent = await session.ScalarAsync<long?>(
                            "SELECT id FROM departments WHERE enterprise_id = @e AND parent_id = @p AND name = @n",
                            ("@e", enterprise.Id), ("@p", parent), ("@n", segment))
                        ?? (await session.ScalarAsync<long?>(
                            "INSERT INTO departments (enterprise_id, parent_id, name) VALUES (@e, @p, @n) RETURNING id",
                            ("@e", enterprise.Id), ("@p", parent), ("@n", segment)))!.Value;
                }

                return Done.Value;
            },
            operation: null,
            TestContext.Current.CancellationToken);
        Assert.False(result.IsError);
    }
}
