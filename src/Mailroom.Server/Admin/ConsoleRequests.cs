using System.Net;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Admin;

/// <summary>
/// The console's changes as open-protocol calls: the signed-in administrator acts as its own client,
/// so the directory services apply every rule, version, change list and operation-log line exactly
/// as for an API call; the log line says it came from the console.
/// </summary>
internal static class ConsoleRequests
{
    /// <summary>A call of <paramref name="endpoint"/> (e.g. user/sync); a parameter named twice is repeated.</summary>
    public static ApiRequest Create(AdminSession session, string endpoint, IPAddress? source, params IEnumerable<(string Name, string Value)> parameters)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(parameters);
        var values = new RequestParameters();
        foreach (var (name, value) in parameters)
        {
            values.AddBody(name, value);
        }

        return new ApiRequest(endpoint, values, source)
        {
            Caller = session.Caller,
            Channel = OperationChannels.Console,
        };
    }
}
