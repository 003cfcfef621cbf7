namespace Mailroom.Server.Mail;

internal static class MailExtensions
{
    /// <summary>
    /// SMTP in, the message store and the mailbox service. Push's <see cref="Push.IMailboxEvents"/>
    /// is taken from the container when the Push feature registers it.
    /// </summary>
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section);
        services.AddSingleton<MessageSpool>();
        services.AddSingleton<MailNotifier>();
        services.AddSingleton<MailDeliveryService>();
        services.AddSingleton<MailService>();
        services.AddSingleton<SmtpEndpoints>();
        services.AddSingleton<SmtpDrain>();
        services.AddSingleton<SmtpListenerFactory>();
        services.AddSingleton<SmtpMailboxFilter>();
        services.AddSingleton<SmtpMessageStore>();
        services.AddSingleton<SmtpAuthenticator>();

        // Before SmtpHost: it replays the journal before anything listens, and stops after SMTP.
        services.AddHostedService<SpoolRecovery>();
        services.AddHostedService<SmtpHost>();
        return services;
    }
}
