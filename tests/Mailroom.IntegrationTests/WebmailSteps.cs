namespace Mailroom.IntegrationTests;

/// <summary>Steps of the webmail sign-in tests (integration and browser): members, authkeys, one-click links.</summary>
public static class WebmailSteps
{
    public const string MemberPassword = "webmail-Passw0rd";

    /// <summary>Adds a member through user/sync with <see cref="MemberPassword"/>; returns its address.</summary>
    public static async Task<string> AddWebmailMemberAsync(this TestEnterprise enterprise, string local, params (string Name, string Value)[] extra)
    {
        var address = enterprise.Address(local);
        var response = await enterprise.PostAsync(
            "/openapi/user/sync",
            [("Action", "2"), ("Alias", address), ("Name", "Member " + local), ("Password", MemberPassword), .. extra]);
        response.AssertEmptySuccess();
        return address;
    }

    /// <summary>A mail/authkey key for <paramref name="alias"/>.</summary>
    public static async Task<string> AuthKeyAsync(this TestEnterprise enterprise, string alias)
    {
        var response = await enterprise.PostAsync("/openapi/mail/authkey", ("alias", alias));
        Assert.Null(response.ErrCode);
        return response.Json.GetProperty("auth_key").GetString()!;
    }

    /// <summary>The one-click login link of PROTOCOL.md §7.4, as a portal would build it.</summary>
    public static string OneClickLink(this TestEnterprise enterprise, string user, string ticket, string? mailId = null, string path = "/cgi-bin/login") =>
        $"{path}?fun=bizopenssologin&method=bizauth&agent={Uri.EscapeDataString(enterprise.ClientId)}&user={Uri.EscapeDataString(user)}&ticket={ticket}"
        + (mailId is null ? "" : "&mailid=" + Uri.EscapeDataString(mailId));
}
