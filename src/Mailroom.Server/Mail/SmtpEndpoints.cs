using System.Net;

namespace Mailroom.Server.Mail;

/// <summary>The addresses the SMTP listeners are bound to, known once they listen (port 0 binds any free port).</summary>
internal sealed class SmtpEndpoints
{
    private readonly TaskCompletionSource<IReadOnlyList<SmtpBinding>> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every listener, once all listen; faults when the listeners could not start.</summary>
    public Task<IReadOnlyList<SmtpBinding>> WhenBoundAsync(CancellationToken cancellationToken) => _bound.Task.WaitAsync(cancellationToken);

    /// <summary>The first inbound listener's address (waits until bound).</summary>
    public async Task<IPEndPoint> InboundAsync(CancellationToken cancellationToken) =>
        (await WhenBoundAsync(cancellationToken)).First(b => !b.Submission).EndPoint;

    /// <summary>The first submission listener's address (waits until bound).</summary>
    public async Task<IPEndPoint> SubmissionAsync(CancellationToken cancellationToken) =>
        (await WhenBoundAsync(cancellationToken)).First(b => b.Submission).EndPoint;

    internal void Bound(IReadOnlyList<SmtpBinding> bindings) => _bound.TrySetResult(bindings);

    internal void Failed(Exception exception) => _bound.TrySetException(exception);
}

/// <summary>One SMTP listener: its bound address and whether it is the submission port.</summary>
internal sealed record SmtpBinding(IPEndPoint EndPoint, bool Submission);
