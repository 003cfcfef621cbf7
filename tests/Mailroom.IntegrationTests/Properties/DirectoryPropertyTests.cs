using System.Text.Json;
using CsCheck;

namespace Mailroom.IntegrationTests.Properties;

/// <summary>
/// Random sequences of user/sync, party/sync and user/swapalias against <see cref="DirectoryModel"/>:
/// after every step user/get, party/list and partyuser/list agree with the model, and user/list
/// from a random earlier version, applied to the model's state at that version, gives the current state.
/// </summary>
public sealed class DirectoryPropertyTests : IClassFixture<ServerFixture>
{
    private static readonly string[] Names = ["A", "B", "研发"];
    private static readonly string[] PersonNames = ["鲍勃", "Alice", "Zhang San"];

    private readonly MailroomApp _app;

    public DirectoryPropertyTests(ServerFixture fixture) => _app = fixture.App;

    private static Gen<string> PathGen =>
        Gen.Int[1, 3].SelectMany(depth => Gen.OneOf(Names).Array[depth]).Select(parts => string.Join('/', parts));

    private static Gen<OperationPlan> PlanGen =>
        Gen.Select(
            Gen.Int[0, 13],
            Gen.Int[0, 1000],
            Gen.Int[0, 1000],
            PathGen,
            Gen.OneOf(PersonNames),
            Gen.Int[0, 1000].Array[0, 2],
            Gen.Int[0, 1000].Array[0, 2],
            Gen.Int[0, 9].Select(n => n == 0),
            (kind, pick, pick2, path, name, departments, slaves, fresh) => new OperationPlan(kind, pick, pick2, path, name, departments, slaves, fresh));

    [Fact]
    public async Task DirectoryAgreesWithTheModelAfterEveryStep()
    {
        // A fixed seed keeps the run deterministic; MAILROOM_PROPERTY_SEED explores others.
        var seed = ulong.Parse(Environment.GetEnvironmentVariable("MAILROOM_PROPERTY_SEED") ?? "20261129", System.Globalization.CultureInfo.InvariantCulture);
        var pcg = new PCG(1, seed);
        var sequences = PlanGen.Array[1, 20];
        var succeeded = new HashSet<Type>();
        for (var i = 0; i < 30; i++)
        {
            await RunSequenceAsync(sequences.Generate(pcg, null, out _), succeeded);
        }

        // The run is only worth something if every kind of change really happened.
        Assert.Equal(7, succeeded.Count);
    }

    private async Task RunSequenceAsync(OperationPlan[] plans, HashSet<Type> succeeded)
    {
        var e = await _app.CreateEnterpriseAsync();
        var model = new DirectoryModel();
        var history = new List<(long Version, DirectoryModel State)> { (await CurrentVersionAsync(e), model.Clone()) };
        var random = new Random(plans.Length);
        var done = new List<string>();
        foreach (var plan in plans)
        {
            var operation = plan.Bind(model, e.Domain);
            var (path, parameters) = operation.Request(e.Domain);
            done.Add(path[9..] + "?" + string.Join('&', parameters.Select(p => $"{p.Name}={p.Value.Replace(e.Domain, "d", StringComparison.Ordinal)}")));
            var allowed = operation.AllowedErrors(model, e.Domain);
            var response = await e.PostAsync(path, parameters);
            var code = response.ErrCode;
            if (code is null)
            {
                response.AssertEmptySuccess();
                Assert.True(allowed is null || allowed.Count == 0, $"{string.Join(" → ", done)} succeeded; the model expected one of [{string.Join(',', allowed ?? [])}]");
                operation.Apply(model, e.Domain);
                succeeded.Add(operation.GetType());
            }
            else
            {
                Assert.True(allowed is null || allowed.Contains(code), $"{string.Join(" → ", done)} was refused with {code}: {response.Body}; the model allowed [{string.Join(',', allowed ?? [])}]");
            }

            try
            {
                await AssertAgreesAsync(e, model);
                history.Add((await CurrentVersionAsync(e), model.Clone()));
                var (version, then) = history[random.Next(history.Count)];
                await AssertChangeListAsync(e, version, then, model);
            }
            catch (Xunit.Sdk.XunitException failure)
            {
                throw new Xunit.Sdk.XunitException($"After {string.Join(" → ", done)}: {failure.Message}", failure);
            }
        }
    }

    private static async Task<long> CurrentVersionAsync(TestEnterprise e) =>
        (await e.PostAsync("/openapi/user/list", ("Ver", "0"))).Json.GetProperty("Ver").GetInt64();

    private static async Task AssertAgreesAsync(TestEnterprise e, DirectoryModel model)
    {
        foreach (var member in model.Members.Values)
        {
            var profile = (await e.PostAsync("/openapi/user/get", ("alias", member.Address))).Json;
            Assert.Equal(member.Address, profile.GetProperty("Alias").GetString());
            Assert.Equal(member.Name, profile.GetProperty("Name").GetString());
            Assert.Equal(member.Slaves.Order(StringComparer.Ordinal), SplitList(profile.GetProperty("SlaveList").GetString()!).Order(StringComparer.Ordinal));
            Assert.Equal(member.Departments.Order(StringComparer.Ordinal), Values(profile.GetProperty("PartyList")).Order(StringComparer.Ordinal));
        }

        foreach (var local in OperationPlan.AllLocals)
        {
            var address = $"{local}@{e.Domain}";
            if (model.Owner(address) is null)
            {
                (await e.PostAsync("/openapi/user/get", ("alias", address))).AssertError("1301", "user_not_found");
            }
        }

        foreach (var department in model.Departments.Prepend(""))
        {
            var children = Values((await e.PostAsync("/openapi/party/list", ("PartyPath", department))).Json);
            Assert.Equal(model.Children(department).Order(StringComparer.Ordinal), children.Order(StringComparer.Ordinal));
            var members = Values((await e.PostAsync("/openapi/partyuser/list", ("PartyPath", department))).Json);
            Assert.Equal(model.MembersIn(department).Order(StringComparer.Ordinal), members);
        }
    }

    // Applying user/list since an earlier version to the state at that version gives the current state.
    private static async Task AssertChangeListAsync(TestEnterprise e, long version, DirectoryModel then, DirectoryModel now)
    {
        var list = (await e.PostAsync("/openapi/user/list", ("Ver", version.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Json;
        var entries = list.GetProperty("List").EnumerateArray().Select(x => (Action: x.GetProperty("Action").GetInt32(), Alias: x.GetProperty("Alias").GetString()!)).ToList();
        Assert.Equal(entries.Count, list.GetProperty("Count").GetInt32());
        Assert.Equal(entries.Count, entries.Select(x => x.Alias).Distinct().Count());

        var members = new HashSet<string>(then.Members.Keys, StringComparer.Ordinal);
        foreach (var (action, alias) in entries)
        {
            switch (action)
            {
                case 1:
                    Assert.True(members.Remove(alias), $"DEL of {alias}, which did not exist at {version}");
                    break;
                case 2:
                    Assert.True(members.Add(alias), $"ADD of {alias}, which existed at {version}");
                    break;
                case 3:
                    Assert.True(members.Contains(alias) && now.Members.ContainsKey(alias), $"MOD of {alias}, which is not in both states");
                    break;
                default:
                    Assert.Fail($"Action {action}");
                    break;
            }
        }

        Assert.Equal(now.Members.Keys.Order(StringComparer.Ordinal), members.Order(StringComparer.Ordinal));

        // Every member whose profile differs is listed.
        var listed = entries.Select(x => x.Alias).ToHashSet(StringComparer.Ordinal);
        foreach (var (address, member) in now.Members)
        {
            if (then.Members.TryGetValue(address, out var before) && !Same(before, member))
            {
                Assert.Contains(address, listed);
            }
        }
    }

    private static bool Same(ModelMember a, ModelMember b) =>
        a.Name == b.Name && a.Departments.SetEquals(b.Departments) && a.Slaves.SetEquals(b.Slaves);

    private static string[] SplitList(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static List<string> Values(JsonElement list) =>
        [.. list.GetProperty("List").EnumerateArray().Select(x => x.GetProperty("Value").GetString()!)];
}
