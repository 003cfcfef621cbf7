using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer.IO;

namespace Mailroom.Server.Mail;

/// <summary>
/// One accepted SMTP connection as the SmtpServer library reads and writes it, upgraded in place by
/// STARTTLS. Mailroom accepts connections itself (<see cref="SmtpListenerFactory"/>) to set
/// TCP_NODELAY — SMTP is one small reply per command, which Nagle's algorithm would hold back — and
/// to control the accept loop.
/// </summary>
internal sealed class SmtpConnection : ISecurableDuplexPipe
{
    private readonly Socket _socket;
    private Stream _stream;
    private bool _disposed;

    public SmtpConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Input = PipeReader.Create(_stream);
        Output = PipeWriter.Create(_stream);
    }

    public PipeReader Input { get; private set; }

    public PipeWriter Output { get; private set; }

    public bool IsSecure => _stream is SslStream;

    public SslProtocols SslProtocol => (_stream as SslStream)?.SslProtocol ?? SslProtocols.None;

    public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
    {
        var tls = new SslStream(_stream, leaveInnerStreamOpen: true);
        try
        {
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ClientCertificateRequired = false,
                    EnabledSslProtocols = protocols,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                },
                cancellationToken);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }

        _stream = tls;
        Input = PipeReader.Create(_stream);
        Output = PipeWriter.Create(_stream);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stream.Dispose();
        _socket.Dispose();
    }
}
