using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>What the server answered to one <c>Mutation</c>; <see cref="ReceivedAt"/> is a Stopwatch timestamp.</summary>
internal sealed record MutationOutcome(bool Success, ulong Ts, string? Error, long ReceivedAt);

/// <summary>
/// A minimal sync-protocol client (convex-compat §3) over <see cref="ClientWebSocket"/>: it sends
/// <c>Connect</c>, <c>ModifyQuerySet</c> and <c>Mutation</c> as JSON text frames and parses
/// <c>Transition</c> and <c>MutationResponse</c>. Every server message is stamped with
/// <see cref="Stopwatch.GetTimestamp"/> when its frame has been read (CLOCK_MONOTONIC on Linux, so
/// stamps compare across processes). Not the official client: no reconnects, no optimistic updates.
/// </summary>
internal sealed class SyncClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, TaskCompletionSource<long>> _querySetWaiters = [];
    private readonly Dictionary<uint, TaskCompletionSource<MutationOutcome>> _mutations = [];
    private readonly List<(ulong Ts, TaskCompletionSource<long> Done)> _tsWaiters = [];
    private readonly int _receiveBufferBytes;
    private uint _querySet;
    private uint _nextRequestId;
    private ulong _lastTs;
    private int _errors;
    private int _transitions;
    private Task _receiving = Task.CompletedTask;

    private SyncClient(ClientWebSocket socket, int receiveBufferBytes)
    {
        _socket = socket;
        _receiveBufferBytes = receiveBufferBytes;
    }

    /// <summary>Called on the receive loop for each <c>QueryUpdated</c>: query id, value, receive stamp.
    /// The value is only valid during the call.</summary>
    public Action<uint, JsonElement, long>? QueryUpdated { get; set; }

    /// <summary>Called on the receive loop after each <c>Transition</c>: its end timestamp and receive stamp.</summary>
    public Action<ulong, long>? TransitionReceived { get; set; }

    /// <summary>Protocol-level failures seen: <c>QueryFailed</c>, <c>FatalError</c>, <c>AuthError</c>,
    /// failed mutations, a socket that broke.</summary>
    public int Errors => Volatile.Read(ref _errors);

    public string? LastError { get; private set; }

    public int Transitions => Volatile.Read(ref _transitions);

    /// <summary>Connects to <c>ws://host:port/api/1.31.0/sync</c> and sends <c>Connect</c>.</summary>
    public static async Task<SyncClient> ConnectAsync(Uri deploymentUrl, CancellationToken cancellationToken,
        int receiveBufferBytes = 4096)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var url = new UriBuilder(deploymentUrl) { Scheme = "ws", Path = "/api/1.31.0/sync" }.Uri;
        try
        {
            await socket.ConnectAsync(url, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new SyncClient(socket, receiveBufferBytes);
        client._receiving = Task.Run(client.ReceiveLoopAsync, CancellationToken.None);
        var sessionId = Guid.NewGuid().ToString();
        await client.SendAsync(Text.Invariant(
            $$"""{"type":"Connect","sessionId":"{{sessionId}}","connectionCount":0""",
            $$""","lastCloseReason":"InitialConnect","clientTs":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}"""),
            cancellationToken);
        return client;
    }

    /// <summary>Adds one query; completes with the receive stamp of the transition that answers it.</summary>
    public Task<long> SubscribeAsync(uint queryId, string udfPath, string argsJson,
        CancellationToken cancellationToken) =>
        ModifyAsync(Add(queryId, udfPath, argsJson), cancellationToken);

    public static string Add(uint queryId, string udfPath, string argsJson) => Text.Invariant(
        $$"""{"type":"Add","queryId":{{queryId}},"udfPath":"{{udfPath}}","args":[{{argsJson}}]}""");

    public static string Remove(uint queryId) => Text.Invariant($$"""{"type":"Remove","queryId":{{queryId}}}""");

    /// <summary>Sends one <c>ModifyQuerySet</c> with the given modifications (JSON objects, comma-separated);
    /// completes with the receive stamp of the transition that reaches its new version.</summary>
    public async Task<long> ModifyAsync(string modifications, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            var baseVersion = _querySet;
            var newVersion = baseVersion + 1;
            lock (_lock)
            {
                _querySetWaiters.Add(newVersion, done);
            }

            await SendLockedAsync(Text.Invariant(
                $$"""{"type":"ModifyQuerySet","baseVersion":{{baseVersion}},"newVersion":{{newVersion}}""",
                $$""","modifications":[{{modifications}}]}"""), cancellationToken);
            _querySet = newVersion;
        }
        finally
        {
            _sendGate.Release();
        }

        return await done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sends a <c>Mutation</c>; completes at its <c>MutationResponse</c>.</summary>
    public async Task<MutationOutcome> MutateAsync(string udfPath, string argsJson, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<MutationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            var requestId = _nextRequestId++;
            lock (_lock)
            {
                _mutations.Add(requestId, done);
            }

            await SendLockedAsync(Text.Invariant(
                $$"""{"type":"Mutation","requestId":{{requestId}},"udfPath":"{{udfPath}}","args":[{{argsJson}}]}"""),
                cancellationToken);
        }
        finally
        {
            _sendGate.Release();
        }

        var outcome = await done.Task.WaitAsync(cancellationToken);
        if (!outcome.Success)
        {
            Interlocked.Increment(ref _errors);
            LastError = outcome.Error;
        }

        return outcome;
    }

    /// <summary>Completes (with the receive stamp) once a transition reached <paramref name="ts"/>: what the
    /// official client waits for before resolving a mutation's promise (§3.7.2).</summary>
    public Task<long> WaitForTsAsync(ulong ts, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_lastTs >= ts)
            {
                return Task.FromResult(Stopwatch.GetTimestamp());
            }

            _tsWaiters.Add((ts, done));
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }

            await _receiving.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
            // The server is gone or slow to close; the socket is aborted below.
        }

        _socket.Dispose();
        _sendGate.Dispose();
    }

    private async Task SendAsync(string message, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            await SendLockedAsync(message, cancellationToken);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    private ValueTask SendLockedAsync(string message, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message).AsMemory(), WebSocketMessageType.Text, endOfMessage: true,
            cancellationToken);

    private async Task ReceiveLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(_receiveBufferBytes);
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(_receiveBufferBytes), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                buffer.Advance(result.Count);
                if (result.EndOfMessage)
                {
                    var at = Stopwatch.GetTimestamp();
                    Handle(buffer.WrittenMemory, at);
                    buffer.ResetWrittenCount();
                }
            }

            Fail("the server closed the connection", countAsError: false);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            Fail($"socket failed: {e.Message}", countAsError: _socket.State != WebSocketState.Aborted);
        }
    }

    private void Handle(ReadOnlyMemory<byte> message, long at)
    {
        using var document = JsonDocument.Parse(message);
        var root = document.RootElement;
        switch (root.GetProperty("type").GetString())
        {
            case "Transition":
                OnTransition(root, at);
                break;
            case "MutationResponse":
                var requestId = root.GetProperty("requestId").GetUInt32();
                var success = root.GetProperty("success").GetBoolean();
                var outcome = new MutationOutcome(success, success ? DecodeTs(root.GetProperty("ts")) : 0,
                    success ? null : root.GetProperty("result").ToString(), at);
                TaskCompletionSource<MutationOutcome>? waiter;
                lock (_lock)
                {
                    _mutations.Remove(requestId, out waiter);
                }

                waiter?.TrySetResult(outcome);
                break;
            case "Ping":
                break;
            default:
                Interlocked.Increment(ref _errors);
                LastError = root.GetRawText();
                break;
        }
    }

    private void OnTransition(JsonElement root, long at)
    {
        Interlocked.Increment(ref _transitions);
        foreach (var modification in root.GetProperty("modifications").EnumerateArray())
        {
            switch (modification.GetProperty("type").GetString())
            {
                case "QueryUpdated":
                    QueryUpdated?.Invoke(modification.GetProperty("queryId").GetUInt32(),
                        modification.GetProperty("value"), at);
                    break;
                case "QueryFailed":
                    Interlocked.Increment(ref _errors);
                    LastError = modification.GetProperty("errorMessage").GetString();
                    break;
                default:
                    break;
            }
        }

        var end = root.GetProperty("endVersion");
        var querySet = end.GetProperty("querySet").GetUInt32();
        var ts = DecodeTs(end.GetProperty("ts"));
        List<TaskCompletionSource<long>> done = [];
        lock (_lock)
        {
            _lastTs = Math.Max(_lastTs, ts);
            foreach (var version in _querySetWaiters.Keys.Where(v => v <= querySet).ToList())
            {
                _querySetWaiters.Remove(version, out var waiter);
                done.Add(waiter!);
            }

            for (var i = _tsWaiters.Count - 1; i >= 0; i--)
            {
                if (_tsWaiters[i].Ts <= ts)
                {
                    done.Add(_tsWaiters[i].Done);
                    _tsWaiters.RemoveAt(i);
                }
            }
        }

        TransitionReceived?.Invoke(ts, at);
        foreach (var waiter in done)
        {
            waiter.TrySetResult(at);
        }
    }

    private void Fail(string reason, bool countAsError)
    {
        List<Action> failures = [];
        lock (_lock)
        {
            var error = new WebSocketException(reason);
            failures.AddRange(_querySetWaiters.Values.Select(w => (Action)(() => w.TrySetException(error))));
            failures.AddRange(_mutations.Values.Select(w => (Action)(() => w.TrySetException(error))));
            failures.AddRange(_tsWaiters.Select(w => (Action)(() => w.Done.TrySetException(error))));
            _querySetWaiters.Clear();
            _mutations.Clear();
            _tsWaiters.Clear();
        }

        if (countAsError)
        {
            Interlocked.Increment(ref _errors);
            LastError = reason;
        }

        foreach (var failure in failures)
        {
            failure();
        }
    }

    private static ulong DecodeTs(JsonElement encoded)
    {
        Span<byte> bytes = stackalloc byte[9];
        return Convert.TryFromBase64String(encoded.GetString()!, bytes, out var written) && written == 8
            ? BinaryPrimitives.ReadUInt64LittleEndian(bytes)
            : throw new InvalidOperationException($"bad timestamp {encoded}");
    }
}
