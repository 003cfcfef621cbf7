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
            return ProtocolResults.From(result, profile => ProtocolResults.Json(profile, ContractsJsonContext.Default.MemberProfile));
        }).WithName("UserGet").WithSummary("A member's profile, by primary address or alias.");

        return group;
    }
}
