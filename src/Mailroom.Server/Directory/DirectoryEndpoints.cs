using Mailroom.Contracts;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Directory;

/// <summary>The directory endpoints under /openapi (PROTOCOL.md §6, §7.2–§7.3).</summary>
internal static class DirectoryEndpoints
{
    private static readonly string[] GetAndPost = ["GET", "POST"];

    /// <summary>Maps the endpoints; the caller adds the access requirement to the returned group.</summary>
    public static RouteGroupBuilder MapDirectory(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/openapi").WithTags("Directory");

        group.MapMethods("/user/get", GetAndPost, async (HttpContext http, MemberService members) =>
        {
            var request = http.GetApiRequest();
            var result = await members.GetAsync(request.RequireCaller(), request.Parameters.Get("Alias"), http.RequestAborted);
            return ProtocolResults.From(result, ProtocolResults.JsonBytes);
        }).WithName("UserGet").WithSummary("A member's profile, by primary address or alias.");

        group.MapMethods("/party/sync", GetAndPost, async (HttpContext http, DepartmentService departments) =>
            ProtocolResults.FromWrite(await departments.SyncAsync(http.GetApiRequest(), http.RequestAborted)))
            .WithName("PartySync").WithSummary("Adds, deletes, or moves and renames a department.");

        group.MapMethods("/party/list", GetAndPost, async (HttpContext http, DepartmentService departments) =>
        {
            var request = http.GetApiRequest();
            var result = await departments.ChildrenAsync(request.RequireCaller(), request.Parameters.Get("PartyPath"), http.RequestAborted);
            return ProtocolResults.From(result, list => ProtocolResults.Json(list, ContractsJsonContext.Default.ValueList));
        }).WithName("PartyList").WithSummary("The immediate sub-departments of a department, sorted by name.");

        group.MapMethods("/partyuser/list", GetAndPost, async (HttpContext http, DepartmentService departments) =>
        {
            var request = http.GetApiRequest();
            var result = await departments.MembersAsync(request.RequireCaller(), request.Parameters.Get("PartyPath"), http.RequestAborted);
            return ProtocolResults.From(result, list => ProtocolResults.Json(list, ContractsJsonContext.Default.ValueList));
        }).WithName("PartyUserList").WithSummary("The members directly in a department, sorted by address.");

        group.MapMethods("/group/add", GetAndPost, async (HttpContext http, GroupService groups) =>
            ProtocolResults.FromWrite(await groups.AddAsync(http.GetApiRequest(), http.RequestAborted)))
            .WithName("GroupAdd").WithSummary("Creates a mail group.");

        group.MapMethods("/group/delete", GetAndPost, async (HttpContext http, GroupService groups) =>
            ProtocolResults.FromWrite(await groups.DeleteAsync(http.GetApiRequest(), http.RequestAborted)))
            .WithName("GroupDelete").WithSummary("Deletes a mail group.");

        group.MapMethods("/group/addmember", GetAndPost, async (HttpContext http, GroupService groups) =>
            ProtocolResults.FromWrite(await groups.AddMembersAsync(http.GetApiRequest(), http.RequestAborted)))
            .WithName("GroupAddMember").WithSummary("Adds members to a mail group.");

        group.MapMethods("/group/deletemember", GetAndPost, async (HttpContext http, GroupService groups) =>
            ProtocolResults.FromWrite(await groups.DeleteMembersAsync(http.GetApiRequest(), http.RequestAborted)))
            .WithName("GroupDeleteMember").WithSummary("Removes members from a mail group.");

        group.MapMethods("/group/addallowlist", GetAndPost, async (HttpContext http, GroupService groups) =>
            ProtocolResults.FromWrite(await groups.AddAllowListAsync(http.GetApiRequest(), http.RequestAborted)))
            .WithName("GroupAddAllowList").WithSummary("Adds members to the allow list of a mail group with status list.");

        group.MapMethods("/group/delallowlist", GetAndPost, async (HttpContext http, GroupService groups) =>
            ProtocolResults.FromWrite(await groups.DeleteAllowListAsync(http.GetApiRequest(), http.RequestAborted)))
            .WithName("GroupDelAllowList").WithSummary("Removes members from the allow list of a mail group, never emptying it.");

        group.MapMethods("/user/sync", GetAndPost, async (HttpContext http, MemberSyncService sync) =>
            ProtocolResults.FromWrite(await sync.SyncAsync(http.GetApiRequest(), http.RequestAborted)))
            .WithName("UserSync").WithSummary("Adds (Action=2), modifies (3) or deletes (1) a member.");

        group.MapMethods("/user/swapalias", GetAndPost, async (HttpContext http, MemberAccountService accounts) =>
            ProtocolResults.FromWrite(await accounts.SwapAliasAsync(http.GetApiRequest(), http.RequestAborted)))
            .WithName("UserSwapAlias").WithSummary("Makes one of a member's aliases its primary address.");

        group.MapMethods("/user/list", GetAndPost, async (HttpContext http, MemberService members) =>
        {
            var request = http.GetApiRequest();
            var result = await members.ListAsync(request.RequireCaller(), request.Parameters.Get("Ver"), http.RequestAborted);
            return ProtocolResults.From(result, list => ProtocolResults.Json(list, ContractsJsonContext.Default.MemberChangeList));
        }).WithName("UserList").WithSummary("The members changed since a directory version.");

        group.MapMethods("/user/check", GetAndPost, async (HttpContext http, MemberService members) =>
        {
            var request = http.GetApiRequest();
            var result = await members.CheckAsync(request.RequireCaller(), request.Parameters.GetAll("email"), http.RequestAborted);
            return ProtocolResults.From(result, list => ProtocolResults.Json(list, ContractsJsonContext.Default.AddressCheckList));
        }).WithName("UserCheck").WithSummary("Whether addresses are free, a member, an alias or a group.");

        group.MapMethods("/user/openwxtoken", GetAndPost, async (HttpContext http, MemberAccountService accounts) =>
            ProtocolResults.FromWrite(await accounts.SetSecondFactorAsync(http.GetApiRequest(), required: true, http.RequestAborted)))
            .WithName("UserOpenWxToken").WithSummary("Requires a second factor at the member's password login.");

        group.MapMethods("/user/closewxtoken", GetAndPost, async (HttpContext http, MemberAccountService accounts) =>
            ProtocolResults.FromWrite(await accounts.SetSecondFactorAsync(http.GetApiRequest(), required: false, http.RequestAborted)))
            .WithName("UserCloseWxToken").WithSummary("No longer requires a second factor at the member's password login.");

        group.MapMethods("/mail/newcount", GetAndPost, async (HttpContext http, MailboxService mailboxes) =>
        {
            var request = http.GetApiRequest();
            var result = await mailboxes.NewCountAsync(request.RequireCaller(), request.Parameters.Get("alias"), http.RequestAborted);
            return ProtocolResults.From(result, count => ProtocolResults.Json(count, ContractsJsonContext.Default.NewCountResponse));
        }).WithName("MailNewCount").WithSummary("The number of unread messages in a member's inbox.");

        group.MapMethods("/mail/authkey", GetAndPost, async (HttpContext http, MailboxService mailboxes) =>
        {
            var result = await mailboxes.IssueAuthKeyAsync(http.GetApiRequest(), http.RequestAborted);
            return ProtocolResults.From(result, key => ProtocolResults.Json(key, ContractsJsonContext.Default.AuthKeyResponse));
        }).WithName("MailAuthKey").WithSummary("A single-use key for a member's one-click webmail login.");

        return group;
    }
}
