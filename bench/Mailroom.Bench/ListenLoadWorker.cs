using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Mailroom.Bench;

/// <summary>
/// The hidden <c>listen-load</c> command: one load-generator process holding up to ~10,000
/// listen connections (a process may open at most 20,000 files here, so 19,500 listens take two
/// of them). The benchmark drives it with one command per line on stdin and reads one line back:
/// <c>send VER</c> / <c>resend</c> → <c>sent</c>; <c>wait</c> → <c>answered MAXTIMESTAMP ERRORS</c>;
/// <c>loop</c> (every answered connection listens again at once, <c>round</c> printed each time all
/// did); <c>stop</c> → <c>stopped ANSWERS ERRORS</c>; <c>quit</c>.
/// </summary>
internal static class ListenLoadWorker
{
    private const int ConnectBatch = 200;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = args.Chunk(2).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        var server = new IPEndPoint(IPAddress.Parse(options["--host"]), int.Parse(options["--port"], CultureInfo.InvariantCulture));
        var count = int.Parse(options["--connections"], CultureInfo.InvariantCulture);
        var bind = IPAddress.Parse(options["--bind"]);
        var request = ListenSocket.Request(options["--path"], options["--token"]);
        using var stop = new CancellationTokenSource();

        var sockets = new List<ListenSocket>(count);
        try
        {
            for (var i = 0; i < count; i += ConnectBatch)
            {
                sockets.AddRange(await Task.WhenAll(Enumerable.Range(i, Math.Min(ConnectBatch, count - i)).Select(_ => ListenSocket.OpenAsync(server, bind, request, stop.Token))));
            }

            Console.WriteLine($"opened {sockets.Count}");
            var state = new LoopState(sockets.Count);
            Task? loops = null;
            while (await Console.In.ReadLineAsync() is { } line)
            {
                var command = line.Split(' ');
                switch (command[0])
                {
                    case "send":
                        var ver = long.Parse(command[1], CultureInfo.InvariantCulture);
                        await Task.WhenAll(sockets.Select(s => s.SendAsync(ver, stop.Token).AsTask()));
                        Console.WriteLine("sent");
                        break;
                    case "resend":
                        await Task.WhenAll(sockets.Select(s => s.SendAsync(s.Ver, stop.Token).AsTask()));
                        Console.WriteLine("sent");
                        break;
                    case "wait":
                        var answers = await Task.WhenAll(sockets.Select(s => AnswerAsync(s, stop.Token)));
                        var errors = answers.Count(a => a.Error is not null);
                        var last = answers.Where(a => a.Error is null).Select(a => a.At).DefaultIfEmpty(0).Max();
                        var sample = answers.FirstOrDefault(a => a.Error is not null).Error ?? "";
                        Console.WriteLine($"answered {last} {errors} {sample.Replace('\n', ' ')}");
                        break;
                    case "loop":
                        loops = Task.WhenAll(sockets.Select(s => LoopAsync(s, state, stop.Token)));
                        break;
                    case "stop":
                        state.Stopping = true;
                        if (loops is not null)
                        {
                            await loops;
                        }

                        Console.WriteLine($"stopped {state.Answers} {state.Errors} {state.Sample}");
                        break;
                    case "quit":
                        return 0;
                }
            }

            return 0;
        }
        finally
        {
            await stop.CancelAsync();
            sockets.ForEach(s => s.Dispose());
        }
    }

    private static async Task<(long At, string? Error)> AnswerAsync(ListenSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            await socket.ReadAsync(cancellationToken);
            return (Stopwatch.GetTimestamp(), null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Net.Sockets.SocketException)
        {
            return (0, e.Message);
        }
    }

    // Each connection listens again as soon as it is answered; every listen it has out is answered
    // before it ends (the benchmark releases them once more after "stop").
    private static async Task LoopAsync(ListenSocket socket, LoopState state, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await socket.ReadAsync(cancellationToken);
                Interlocked.Increment(ref state.Answers);
                if (state.Stopping)
                {
                    return;
                }

                await socket.SendAsync(socket.Ver, cancellationToken);
                if (Interlocked.Increment(ref state.Resent) % state.Connections == 0)
                {
                    Console.WriteLine("round");
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            Interlocked.Increment(ref state.Errors);
            state.Sample ??= e.Message;
        }
    }

    private sealed class LoopState(int connections)
    {
        public readonly int Connections = connections;
        public long Answers;
        public long Resent;
        public long Errors;
        public volatile bool Stopping;
        public string? Sample;
    }
}
