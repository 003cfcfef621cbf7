namespace Mailroom.Server.Sso;

/// <summary>
/// What webmail sign-in logs. Never a ticket, password, code or TOTP secret; and not the address
/// typed on a failed sign-in, which is sometimes a password typed into the wrong field.
/// </summary>
internal static partial class SsoLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Member {MemberId} of enterprise {EnterpriseId} signed in to webmail ({Method})")]
    public static partial void SignedIn(ILogger logger, long memberId, long enterpriseId, string method);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "A one-click login link was refused ({Reason}; agent {Agent}) from {Source}")]
    public static partial void OneClickRefused(ILogger logger, OneClickRefusal reason, string agent, System.Net.IPAddress? source);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "A webmail password sign-in failed from {Source}")]
    public static partial void PasswordRefused(ILogger logger, System.Net.IPAddress? source);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Webmail sign-in attempts from {Source} are being refused after repeated failures")]
    public static partial void Throttled(ILogger logger, System.Net.IPAddress? source);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "A second-factor code for member {MemberId} was refused, from {Source}")]
    public static partial void CodeRefused(ILogger logger, long memberId, System.Net.IPAddress? source);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Information, Message = "Member {MemberId} enrolled an authenticator app")]
    public static partial void Enrolled(ILogger logger, long memberId);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Information, Message = "Member {MemberId} signed out of webmail")]
    public static partial void SignedOut(ILogger logger, long memberId);
}
