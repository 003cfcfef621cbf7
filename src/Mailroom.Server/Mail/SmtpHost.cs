using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Mailroom.Server.Protocol;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SmtpServer;

namespace Mailroom.Server.Mail;

/// <summary>
/// The SMTP listeners, in the server process: an inbound port and a submission port on each
/// address of the HTTP listeners (or <see cref="SmtpOptions.Addresses"/>). They open once the HTTP
/// listeners are up, and so after <see cref="SpoolRecovery"/> has dealt with an earlier crash. On
/// stop, the sockets close (new connections are refused), sessions get
/// <see cref="SmtpOptions.DrainSeconds"/> to finish — a new transaction gets 421 meanwhile — and
/// whatever still runs is then cut.
/// </summary>
internal sealed partial class SmtpHost(
    IOptions<SmtpOptions> options,
    SmtpListenerFactory listeners,
    SmtpEndpoints endpoints,
    SmtpDrain drain,
    SmtpMailboxFilter filter,
    SmtpMessageStore store,
    SmtpAuthenticator authenticator,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SmtpHost> logger) : BackgroundService
{
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<Guid, bool> _sessions = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StopOnce _stop = new();
    private X509Certificate2? _certificate;

    public override Task StopAsync(CancellationToken cancellationToken) => _stop.RunAsync(() => DrainAsync(cancellationToken));

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        drain.Begin();
        listeners.StopAccepting();
        if (_sessions.IsEmpty)
        {
            _idle.TrySetResult();
        }

        var deadline = TimeSpan.FromSeconds(Math.Max(0, options.Value.DrainSeconds));
        try
        {
            await _idle.Task.WaitAsync(deadline, time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            LogDrainCut(logger, _sessions.Count);
        }

        await _abort.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        _certificate?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WhenStartedAsync(stoppingToken);
            var settings = options.Value;
            _certificate = LoadCertificate(settings.Certificate);
            var addresses = ListenAddresses(settings);
            var bindings = new List<SmtpBinding>();
            listeners.Bound += binding =>
            {
                lock (bindings)
                {
                    bindings.Add(binding);
                }
            };

            var smtp = new SmtpServer.SmtpServer(BuildOptions(settings, addresses), BuildServices());
            smtp.SessionCreated += (_, e) => _sessions.TryAdd(e.Context.SessionId, true);
            smtp.SessionCompleted += (_, e) => SessionEnded(e.Context);
            smtp.SessionCancelled += (_, e) => SessionEnded(e.Context);
            smtp.SessionFaulted += (_, e) =>
            {
                // Accept failures are reported here too, before a client is known.
                e.Context.Properties.TryGetValue(SmtpSessionState.RemoteEndPointKey, out var client);
                LogSessionFaulted(logger, e.Exception, client ?? "?");
                SessionEnded(e.Context);
            };

            // The listening sockets are opened synchronously by StartAsync; a port in use faults it at once.
            var running = smtp.StartAsync(_abort.Token);
            if (running.IsFaulted)
            {
                await running;
            }

            foreach (var binding in bindings)
            {
                LogListening(logger, binding.Submission ? "submission" : "inbound", binding.EndPoint);
            }

            endpoints.Bound(bindings);
            await running;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Fatal: the listeners cannot run. The host stops (BackgroundServiceExceptionBehavior).
            endpoints.Failed(e);
            LogStartFailed(logger, e);
            throw;
        }
        catch (OperationCanceledException e)
        {
            endpoints.Failed(e);
        }
    }

    private void SessionEnded(ISessionContext context)
    {
        if (_sessions.TryRemove(context.SessionId, out _) && drain.IsDraining && _sessions.IsEmpty)
        {
            _idle.TrySetResult();
        }
    }

    private Task WhenStartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(cancellationToken);
    }

    private ISmtpServerOptions BuildOptions(SmtpOptions settings, IReadOnlyList<IPAddress> addresses)
    {
        var name = settings.ServerName.Length > 0 ? settings.ServerName : Dns.GetHostName();
        var builder = new SmtpServerOptionsBuilder()
            .ServerName(name)
            .CustomSmtpGreeting(_ => $"220 {name} ESMTP Mailroom ready")
            .MaxMessageSize(settings.MaxMessageBytes, MaxMessageSizeHandling.Ignore)
            .MaxRetryCount(Math.Max(1, settings.MaxErrors))
            .MaxAuthenticationAttempts(3)
            .CommandWaitTimeout(TimeSpan.FromSeconds(Math.Max(1, settings.CommandTimeoutSeconds)));
        foreach (var address in addresses)
        {
            builder.Endpoint(Endpoint(settings, new IPEndPoint(address, settings.Port), submission: false));
            builder.Endpoint(Endpoint(settings, new IPEndPoint(address, settings.SubmissionPort), submission: true));
        }

        return builder.Build();
    }

    // AUTH needs TLS once a certificate is configured; without one it is allowed in the clear,
    // else the submission port would be unusable.
    private IEndpointDefinition Endpoint(SmtpOptions settings, IPEndPoint endPoint, bool submission)
    {
        var builder = new EndpointDefinitionBuilder()
            .Endpoint(endPoint)
            .AuthenticationRequired(submission)
            .AllowUnsecureAuthentication(submission && _certificate is null)
            .SessionTimeout(TimeSpan.FromSeconds(Math.Max(1, settings.SessionTimeoutSeconds)))
            .SupportedSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13);
        if (_certificate is not null)
        {
            builder.Certificate(_certificate);
        }

        return builder.Build();
    }

    private SmtpServer.ComponentModel.ServiceProvider BuildServices()
    {
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(filter);
        services.Add(store);
        services.Add(authenticator);
        return services;
    }

    private List<IPAddress> ListenAddresses(SmtpOptions settings)
    {
        var addresses = new List<IPAddress>();
        if (settings.Addresses.Length > 0)
        {
            foreach (var text in settings.Addresses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                addresses.Add(IPAddress.Parse(text));
            }
        }
        else
        {
            foreach (var url in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                addresses.AddRange(HttpListenAddresses(url));
            }
        }

        if (addresses.Count == 0)
        {
            addresses.Add(IPAddress.Loopback);
        }

        return addresses.Distinct().ToList();
    }

    /// <summary>The IP addresses an HTTP listener URL binds: a literal as it is, localhost as the loopbacks, anything else as every address.</summary>
    internal static IEnumerable<IPAddress> HttpListenAddresses(string url)
    {
        var host = BindingAddress.Parse(url).Host.Trim('[', ']');
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];
        }

        return [IPAddress.Any];
    }

    private static X509Certificate2? LoadCertificate(SmtpCertificateOptions certificate)
    {
        if (certificate.Path.Length == 0)
        {
            return null;
        }

        var keyPath = certificate.KeyPath.Length > 0 ? certificate.KeyPath : null;
        return certificate.Password.Length > 0
            ? X509Certificate2.CreateFromEncryptedPemFile(certificate.Path, certificate.Password, keyPath)
            : X509Certificate2.CreateFromPemFile(certificate.Path, keyPath);
    }

    [LoggerMessage(EventId = 6501, Level = LogLevel.Information, Message = "SMTP {Kind} listening on {EndPoint}")]
    private static partial void LogListening(ILogger logger, string kind, IPEndPoint endPoint);

    [LoggerMessage(EventId = 6502, Level = LogLevel.Critical, Message = "The SMTP listeners could not start")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6503, Level = LogLevel.Warning, Message = "{Sessions} SMTP session(s) still running at the end of the drain time were cut")]
    private static partial void LogDrainCut(ILogger logger, int sessions);

    [LoggerMessage(EventId = 6504, Level = LogLevel.Information, Message = "An SMTP session with {Client} broke")]
    private static partial void LogSessionFaulted(ILogger logger, Exception exception, object client);
}
