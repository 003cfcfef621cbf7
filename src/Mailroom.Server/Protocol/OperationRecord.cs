namespace Mailroom.Server.Protocol;

/// <summary>One line of the operation log (操作记录, PROTOCOL.md §8).</summary>
/// <param name="At">When the call was answered.</param>
/// <param name="EnterpriseId">The caller's enterprise; null when the caller could not be identified.</param>
/// <param name="ClientId">The client_id used or claimed; "" when none.</param>
/// <param name="Source">The caller's network address.</param>
/// <param name="Endpoint">The protocol path, e.g. <c>user/sync</c>.</param>
/// <param name="Parameters">The parameters as a JSON object, secrets redacted.</param>
/// <param name="Result"><c>0</c> for success, else the errcode and error, e.g. <c>1301 user_not_found</c>.</param>
/// <remarks><see cref="Channel"/> says whether the API, the console or an operator command did it.</remarks>
internal sealed record OperationRecord(
    DateTimeOffset At,
    long? EnterpriseId,
    string ClientId,
    string Source,
    string Endpoint,
    string Parameters,
    string Result)
{
    public const string Success = "0";

    /// <summary>One of <see cref="OperationChannels"/>; open-protocol calls by default.</summary>
    public string Channel { get; init; } = OperationChannels.Api;

    public static string ResultOf(ProtocolError? error) => error is null ? Success : $"{error.Code} {error.Error}";
}
