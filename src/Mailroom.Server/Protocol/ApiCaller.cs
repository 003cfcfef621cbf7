namespace Mailroom.Server.Protocol;

/// <summary>An authenticated client of the open protocol and the enterprise it belongs to.</summary>
/// <param name="EnterpriseId">The enterprise the token belongs to (PROTOCOL.md §2.3).</param>
/// <param name="ClientKey">The stored client's row id.</param>
/// <param name="ClientId">The client_id (the administrator account).</param>
internal sealed record ApiCaller(long EnterpriseId, long ClientKey, string ClientId);
