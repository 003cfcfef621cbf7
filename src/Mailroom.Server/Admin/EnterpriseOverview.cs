using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin;

/// <summary>An enterprise and the mail domains it owns.</summary>
internal sealed record EnterpriseOverview(EnterpriseRow Enterprise, IReadOnlyList<string> Domains);
