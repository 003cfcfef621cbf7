using System.Net;

namespace Mailroom.Server.Protocol;

/// <summary>
/// One open-protocol call as the services see it: its parameters, its caller once authenticated,
/// and what the operation log needs. Lives in <see cref="HttpContext.Features"/>; services get
/// this object, never the HttpContext.
/// </summary>
internal sealed class ApiRequest(string endpoint, RequestParameters parameters, IPAddress? source)
{
    public string Endpoint { get; } = endpoint;

    public RequestParameters Parameters { get; } = parameters;

    public IPAddress? Source { get; } = source;

    public ApiCaller? Caller { get; set; }

    /// <summary>Who made the call: the open protocol, or the console acting through the same services.</summary>
    public string Channel { get; init; } = OperationChannels.Api;

    /// <summary>The client_id the call claimed, known before authentication on the token endpoint.</summary>
    public string? ClaimedClientId { get; set; }

    /// <summary>The error this call was answered with, if refused.</summary>
    public ProtocolError? RefusedWith { get; private set; }

    /// <summary>True once the operation log holds this call (written inside the call's transaction).</summary>
    public bool Recorded { get; private set; }

    public ApiCaller RequireCaller() =>
        Caller ?? throw new InvalidOperationException("The call has not been authenticated.");

    public void MarkRefused(ProtocolError error) => RefusedWith = error;

    public OperationRecord ToOperation(DateTimeOffset at, string result)
    {
        Recorded = true;
        return new OperationRecord(
            at,
            Caller?.EnterpriseId,
            Caller?.ClientId ?? ClaimedClientId ?? "",
            Source?.ToString() ?? "",
            Endpoint,
            OperationParameters.Redact(Parameters),
            result)
        {
            Channel = Channel,
        };
    }
}
