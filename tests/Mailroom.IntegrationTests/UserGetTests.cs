namespace Mailroom.IntegrationTests;

public sealed class UserGetTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public UserGetTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task UnknownMemberIsUserNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")));
        response.AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task AddressOfAnotherDomainIsInvalidAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/user/get", ("alias", "bob@not-ours.example"));
        response.AssertError("1303", "invalid_alias");
    }
}
