using System.Diagnostics;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Storage.Memory;
using Convex.Sim.Sync;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>
/// The sync layer's own share of a fan-out, without sockets: <c>SyncSession</c>s on transports that
/// only count what is sent, all subscribed to <c>messages:list({channel: "fan", n: 1})</c> over memory
/// persistence. One write into that channel plus <c>NotifyCommitAsync</c>, then the time until every
/// session has sent its transition: matching, waking, claiming, the shared query run, the transition
/// text. Added to the socket floor of <see cref="FanOut"/>, it accounts for the WebSocket figure.
/// </summary>
internal static class SessionFanOut
{
    public static async Task RunAsync(Report report, ActiveDeployment deployment, int sessionCount, int writes)
    {
        await using var backend = await FunctionBackend.StartAsync(new MemoryPersistence(), deployment, seed: 31);
        var runtime = new ProductionRuntime(32);
        var subscriptions = new SubscriptionManager(backend.Database);
        using var lifetime = new CancellationTokenSource();
        var counter = new SendCounter();
        var sessions = new Task[sessionCount];
        for (var s = 0; s < sessionCount; s++)
        {
            var transport = new CountingTransport(counter);
            sessions[s] = new SyncSession(backend.Runner, backend.Database, runtime, transport, subscriptions)
                .RunAsync(lifetime.Token);
            transport.Send("""{"type":"Connect","sessionId":"s","connectionCount":0,"lastCloseReason":"InitialConnect","clientTs":0}""");
            transport.Send("""{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[""" +
                SyncClient.Add(0, "messages:list", SyncBenchmarks.ListArgs("fan", 1)) + "]}");
        }

        await counter.WaitForAsync(sessionCount, TimeSpan.FromMinutes(2));
        var perWrite = new List<double>();
        var cpu = TimeSpan.Zero;
        for (var k = 0; k <= writes; k++)
        {
            var expected = counter.Count + sessionCount;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            var result = await backend.Runner.RunMutationAsync(
                new FunctionCall("messages:send", (Convex.Sim.Core.Values.ConvexObject)Convex.Sim.Core.Values.ConvexJson.Decode(
                    SyncBenchmarks.SendArgs("fan", ClientHost.Body(k)))) { AllowInternal = true },
                default);
            Invariant(result.Succeeded, result.ErrorMessage);
            await subscriptions.NotifyCommitAsync(result.Ts);
            await counter.WaitForAsync(expected, TimeSpan.FromMinutes(2));
            if (k > 0)
            {
                perWrite.Add(SyncBenchmarks.Ms(start, Stopwatch.GetTimestamp()));
                cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            }
        }

        await lifetime.CancelAsync();
        await Task.WhenAll(sessions.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
        var median = Samples.Median(perWrite);
        Console.WriteLine(Text.Invariant(
            $"sync fan-out without sockets: {sessionCount} sessions, {writes} writes: commit to last transition sent ",
            $"{string.Join(", ", perWrite.Select(ms => Text.Invariant($"{ms:F0}")))} ms; ",
            $"{median * 1000 / sessionCount:F1} us per session; CPU (all threads) ",
            $"{cpu.TotalMicroseconds / writes / sessionCount:F1} us per session"));
        report.Figure(Text.Invariant($"sync fan-out to {sessionCount} sessions, no sockets (p50 of writes)"), median, "ms",
            "(reported)", true);
    }

    private static void Invariant(bool condition, string? message)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"messages:send failed: {message}");
        }
    }

    /// <summary>Counts messages sent over all transports; completes waiters at a given count.</summary>
    private sealed class SendCounter
    {
        private readonly Lock _lock = new();
        private long _count;
        private (long Target, TaskCompletionSource Done)? _waiter;

        public long Count
        {
            get
            {
                lock (_lock)
                {
                    return _count;
                }
            }
        }

        public void Add()
        {
            TaskCompletionSource? done = null;
            lock (_lock)
            {
                _count++;
                if (_waiter is { } waiter && _count >= waiter.Target)
                {
                    done = waiter.Done;
                    _waiter = null;
                }
            }

            done?.TrySetResult();
        }

        public Task WaitForAsync(long target, TimeSpan timeout)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                if (_count >= target)
                {
                    return Task.CompletedTask;
                }

                _waiter = (target, done);
            }

            return done.Task.WaitAsync(timeout);
        }
    }

    /// <summary>A transport whose client only sends its first messages and never reads: sends are counted and dropped.</summary>
    private sealed class CountingTransport(SendCounter counter) : ISyncTransport
    {
        private readonly System.Threading.Channels.Channel<string?> _toServer =
            System.Threading.Channels.Channel.CreateUnbounded<string?>();

        public void Send(string json) => _toServer.Writer.TryWrite(json);

        public ValueTask SendAsync(string message, CancellationToken cancellationToken)
        {
            counter.Add();
            return ValueTask.CompletedTask;
        }

        public ValueTask<string?> ReceiveAsync(CancellationToken cancellationToken) =>
            _toServer.Reader.ReadAsync(cancellationToken);

        public ValueTask CloseAsync(string reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
