namespace Mailroom.Server.Protocol;

/// <summary>
/// One error answer of the open protocol (PROTOCOL.md §3): a stable <see cref="Code"/> and
/// <see cref="Error"/>, a message for people in English and Simplified Chinese, and the HTTP
/// status (200 on /openapi/*, RFC 6749 statuses on the token endpoint).
/// </summary>
internal sealed record ProtocolError(string Code, string Error, string Message, string MessageZh, int HttpStatus = 200)
{
    public ProtocolError WithStatus(int status) => this with { HttpStatus = status };

    public string MessageFor(bool chinese) => chinese ? MessageZh : Message;
}
