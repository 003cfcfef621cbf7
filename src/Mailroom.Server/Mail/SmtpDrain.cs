namespace Mailroom.Server.Mail;

/// <summary>Whether the SMTP listeners are stopping: running sessions finish their message, new transactions are refused.</summary>
internal sealed class SmtpDrain
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public void Begin() => _draining = true;
}
