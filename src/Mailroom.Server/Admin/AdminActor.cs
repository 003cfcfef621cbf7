using System.Net;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Admin;

/// <summary>Who made an administrative change, for its operation-log line: the console (from an address) or the operator.</summary>
internal sealed record AdminActor(string Channel, IPAddress? Address)
{
    public static readonly AdminActor Operator = new(OperationChannels.Operator, null);

    public static AdminActor FromConsole(IPAddress? address) => new(OperationChannels.Console, address);

    /// <summary>Parameters for a log line; secrets among them are redacted like an API call's.</summary>
    public static RequestParameters Parameters(params ReadOnlySpan<(string Name, string Value)> values)
    {
        var parameters = new RequestParameters();
        foreach (var (name, value) in values)
        {
            parameters.AddBody(name, value);
        }

        return parameters;
    }

    public OperationRecord Record(DateTimeOffset at, long? enterpriseId, string clientId, string endpoint, RequestParameters parameters, ProtocolError? error) =>
        new(at, enterpriseId, clientId, Address?.ToString() ?? "", endpoint, OperationParameters.Redact(parameters), OperationRecord.ResultOf(error))
        {
            Channel = Channel,
        };
}
