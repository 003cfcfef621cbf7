using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;
using SmtpServer;
using SmtpServer.Authentication;

namespace Mailroom.Server.Mail;

/// <summary>
/// SMTP AUTH (PLAIN, LOGIN) on the submission port: a member's primary address or alias and
/// password. The protocol's password is the MD5 hex of the plain one (PROTOCOL.md §6.3), which is
/// what the stored hash covers. A disabled member cannot authenticate. The inbound port takes no
/// AUTH: being authenticated there would make an outside sender "inner".
/// </summary>
internal sealed partial class SmtpAuthenticator(IDatabase database, ILogger<SmtpAuthenticator> logger) : IUserAuthenticator
{
    public async Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!SmtpSessionState.IsSubmission(context) || !EmailAddress.TryNormalize(user, out var address, out var domain) || string.IsNullOrEmpty(password))
        {
            LogRefused(context, user ?? "");
            return false;
        }

        var member = await database.ReadAsync(
            async session => await EnterpriseStore.DomainOwnerAsync(session, domain) is { } enterpriseId
                ? await MemberStore.FindAsync(session, enterpriseId, address)
                : null,
            cancellationToken);
        if (member is null || member.OpenType == 2 || !PasswordHasher.Verify(PasswordHasher.Md5Hex(password), member.PasswordHash))
        {
            LogRefused(context, address);
            return false;
        }

        SmtpSessionState.SetMember(context, new AuthenticatedMember(member.Id, member.EnterpriseId, member.Address));
        return true;
    }

    private void LogRefused(ISessionContext context, string user) => LogRefused(logger, user, context.Properties[SmtpSessionState.RemoteEndPointKey]);

    [LoggerMessage(EventId = 6401, Level = LogLevel.Information, Message = "SMTP AUTH refused for {User} from {Client}")]
    private static partial void LogRefused(ILogger logger, string user, object client);
}
