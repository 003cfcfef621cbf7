namespace Mailroom.Server.Mail;

/// <summary>The SMTP listeners and message limits; binds "Mailroom:Smtp".</summary>
internal sealed class SmtpOptions
{
    public const string Section = "Mailroom:Smtp";

    /// <summary>Inbound port: mail from anyone to the hosted domains (0: any free port).</summary>
    public int Port { get; set; } = 2525;

    /// <summary>Submission port: the same, but only after SMTP AUTH as a member (0: any free port).</summary>
    public int SubmissionPort { get; set; } = 5870;

    /// <summary>
    /// Comma-separated IP addresses to listen on; empty: the addresses of the HTTP listeners
    /// (a host name or wildcard there means every address).
    /// </summary>
    public string Addresses { get; set; } = "";

    /// <summary>Name in the greeting and EHLO reply; empty: the machine's host name.</summary>
    public string ServerName { get; set; } = "";

    /// <summary>Largest message accepted, advertised as ESMTP SIZE (PROTOCOL.md §10: 25 MiB).</summary>
    public int MaxMessageBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Most recipients of one message (RFC 5321 4.5.3.1.8 requires at least 100).</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>Refused or malformed commands in a row after which the session is closed.</summary>
    public int MaxErrors { get; set; } = 10;

    /// <summary>Seconds a session may wait for the client's next command (RFC 5321 4.5.3.2.7: 5 minutes).</summary>
    public int CommandTimeoutSeconds { get; set; } = 300;

    /// <summary>Seconds a whole session may last.</summary>
    public int SessionTimeoutSeconds { get; set; } = 1800;

    /// <summary>Seconds that running sessions get to finish when the server stops; then they are cut.</summary>
    public int DrainSeconds { get; set; } = 10;

    /// <summary>PEM certificate for STARTTLS; none: STARTTLS is not offered.</summary>
    public SmtpCertificateOptions Certificate { get; set; } = new();
}

/// <summary>A PEM certificate and key, as Kestrel's endpoint certificates are configured.</summary>
internal sealed class SmtpCertificateOptions
{
    /// <summary>The certificate in PEM, optionally followed by its intermediates.</summary>
    public string Path { get; set; } = "";

    /// <summary>Its private key in PEM.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>The key's password, only if the key file is encrypted.</summary>
    public string Password { get; set; } = "";
}
