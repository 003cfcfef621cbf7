namespace Mailroom.Server.Admin;

/// <summary>The administrator's console (/admin); binds "Mailroom:Admin".</summary>
internal sealed class AdminOptions
{
    public const string Section = "Mailroom:Admin";

    /// <summary>A console session ends after this many minutes without a request (sliding).</summary>
    public int SessionMinutes { get; set; } = 30;

    /// <summary>Failed sign-ins (or password confirmations) of one account within the window before it is locked.</summary>
    public int MaxFailuresPerAccount { get; set; } = 5;

    /// <summary>Failed sign-ins from one network address, whatever the account, within the window before it is locked.</summary>
    public int MaxFailuresPerAddress { get; set; } = 20;

    /// <summary>How long a failure counts; a lock lifts once its oldest counted failure is this old.</summary>
    public int FailureWindowSeconds { get; set; } = 900;

    /// <summary>
    /// The time zone the console shows and reads times in: an IANA name such as <c>Asia/Shanghai</c>,
    /// or <c>UTC</c>.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Most rows one member import may have.</summary>
    public int MaxImportRows { get; set; } = 10_000;

    /// <summary>Largest member import file.</summary>
    public int MaxImportBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Operation-log lines per console page.</summary>
    public int OperationsPageSize { get; set; } = 50;
}
