using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>
/// Many sync clients in a child process (this program with <c>--sync-client-host</c>), driven over
/// its stdin/stdout one line per command. The child keeps the clients' sockets, buffers and CPU out
/// of the server's process: the file-descriptor limit (20,000 here) does not allow 10,000 clients
/// and their 10,000 server-side sockets in one process, and the server's memory per connection is
/// measured without the clients' own. Receive stamps are <see cref="Stopwatch.GetTimestamp"/>
/// (CLOCK_MONOTONIC), which compares across processes on Linux.
/// Commands: <c>open URL N PATH ARGS</c> (N clients, each subscribed to PATH(ARGS) as query 0),
/// <c>echo URL N</c> (N bare WebSockets to an echo server), <c>collect SEQ T0 TIMEOUT_MS</c> (µs from
/// T0 until each client saw a result whose first document has body <c>fan-SEQ</c> or later),
/// <c>close</c>. Each answers one line.
/// </summary>
internal sealed class ClientHost : IAsyncDisposable
{
    private const string BodyPrefix = "fan-";
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private ClientHost(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
    }

    public static string Body(int seq) => BodyPrefix + seq.ToString(CultureInfo.InvariantCulture);

    public static ClientHost Start()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ClientHost).Assembly.Location);
        }

        start.ArgumentList.Add("--sync-client-host");
        return new ClientHost(Process.Start(start) ?? throw new InvalidOperationException("cannot start the client host"));
    }

    /// <summary>Sends one command and returns the answer's words.</summary>
    public async Task<string[]> CommandAsync(string command, TimeSpan timeout)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        using var cts = new CancellationTokenSource(timeout);
        var line = await _process.StandardOutput.ReadLineAsync(cts.Token);
        if (line is null || !line.StartsWith("ok", StringComparison.Ordinal))
        {
            string stderr;
            lock (_stderr)
            {
                stderr = _stderr.ToString();
            }

            throw new InvalidOperationException($"client host: {command.Split(' ')[0]} answered {line}: {stderr}");
        }

        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    /// <summary>The child's side: serves commands until stdin closes.</summary>
    public static async Task<int> ServeAsync()
    {
        var clients = new List<SyncClient>();
        var sockets = new List<ClientWebSocket>();
        // seq -> per client the receive stamp of the first result showing seq or later (0: not yet).
        var seen = new ConcurrentDictionary<int, long[]>();
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var words = line.Split(' ');
            string answer;
            switch (words[0])
            {
                case "open":
                    answer = await OpenAsync(clients, seen, new Uri(words[1]), Int(words[2]), words[3], words[4]);
                    break;
                case "echo":
                    answer = await OpenEchoAsync(sockets, new Uri(words[1]), Int(words[2]));
                    break;
                case "collect":
                    answer = await CollectAsync(clients, seen, Int(words[1]), long.Parse(words[2], CultureInfo.InvariantCulture),
                        TimeSpan.FromMilliseconds(Int(words[3])));
                    break;
                case "close":
                    var errors = clients.Sum(c => c.Errors);
                    await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 },
                        (c, _) => c.DisposeAsync());
                    await Parallel.ForEachAsync(sockets, new ParallelOptions { MaxDegreeOfParallelism = 64 },
                        async (s, _) => await CloseAsync(s));
                    clients.Clear();
                    sockets.Clear();
                    seen.Clear();
                    answer = Text.Invariant($"ok {errors}");
                    break;
                default:
                    answer = $"error unknown command {words[0]}";
                    break;
            }

            Console.Out.WriteLine(answer);
            Console.Out.Flush();
        }

        return 0;
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static async Task<string> OpenAsync(
        List<SyncClient> clients, ConcurrentDictionary<int, long[]> seen, Uri url, int n, string path, string args)
    {
        var start = Stopwatch.GetTimestamp();
        var opened = new SyncClient[n];
        var failures = 0;
        var offset = clients.Count;
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, ct) =>
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(TimeSpan.FromSeconds(60));
                    var client = await SyncClient.ConnectAsync(url, timeout.Token, receiveBufferBytes: 1024);
                    var index = offset + i;
                    var lastSeq = 0;
                    client.QueryUpdated = (_, value, at) =>
                    {
                        if (FirstBodySeq(value) is { } seq && seq > lastSeq)
                        {
                            for (var k = lastSeq + 1; k <= seq; k++)
                            {
                                seen.GetOrAdd(k, _ => new long[offset + n])[index] = at;
                            }

                            lastSeq = seq;
                        }
                    };
                    opened[i] = client;
                    await client.SubscribeAsync(0, path, args, timeout.Token);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
            });
        clients.AddRange(opened.Where(c => c is not null));
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return Text.Invariant($"ok {failures} {ms:F0}");
    }

    private static int? FirstBodySeq(System.Text.Json.JsonElement value) =>
        value.ValueKind == System.Text.Json.JsonValueKind.Array && value.GetArrayLength() > 0
        && value[0].TryGetProperty("body", out var body) && body.GetString() is { } text
        && text.StartsWith(BodyPrefix, StringComparison.Ordinal)
            ? int.Parse(text.AsSpan(BodyPrefix.Length), CultureInfo.InvariantCulture)
            : null;

    private static async Task<string> CollectAsync(
        List<SyncClient> clients, ConcurrentDictionary<int, long[]> seen, int seq, long t0, TimeSpan timeout)
    {
        var stamps = seen.GetOrAdd(seq, _ => new long[clients.Count]);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (stamps.Take(clients.Count).Any(s => s == 0) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(5);
        }

        var latencies = stamps.Take(clients.Count).Where(s => s != 0)
            .Select(s => ((s - t0) * 1_000_000 / Stopwatch.Frequency).ToString(CultureInfo.InvariantCulture))
            .ToList();
        var missing = clients.Count - latencies.Count;
        return Text.Invariant($"ok {missing} {string.Join(',', latencies)}");
    }

    private static async Task<string> OpenEchoAsync(List<ClientWebSocket> sockets, Uri url, int n)
    {
        var start = Stopwatch.GetTimestamp();
        var opened = new ClientWebSocket?[n];
        var failures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, ct) =>
            {
                var socket = new ClientWebSocket();
                socket.Options.KeepAliveInterval = TimeSpan.Zero;
                try
                {
                    await socket.ConnectAsync(url, ct);
                    // One echo, so the server side has received and sent a message like a subscribed session.
                    var message = "{\"type\":\"Ping\"}"u8.ToArray();
                    await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, ct);
                    var buffer = new byte[256];
                    await socket.ReceiveAsync(buffer.AsMemory(), ct);
                    opened[i] = socket;
                }
                catch (WebSocketException)
                {
                    Interlocked.Increment(ref failures);
                    socket.Dispose();
                }
            });
        sockets.AddRange(opened.OfType<ClientWebSocket>());
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return Text.Invariant($"ok {failures} {ms:F0}");
    }

    private static async Task CloseAsync(ClientWebSocket socket)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Gone already.
        }

        socket.Dispose();
    }
}
