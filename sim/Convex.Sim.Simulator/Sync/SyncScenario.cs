using System.Globalization;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Simulator.Checkers;
using Convex.Sim.Simulator.Checkers.Sync;
using Convex.Sim.Simulator.Network;
using Convex.Sim.Simulator.Scheduling;
using Convex.Sim.Simulator.Workloads;

namespace Convex.Sim.Simulator.Sync;

/// <summary>
/// The sync scenario: the real <c>SyncSession</c> serving simulated clients over the simulated
/// network, against the database node. Goal: find violations of the protocol's guarantees
/// (convex-compat §3.5, §3.7) under disconnects, partitions, late deliveries and node crashes.
///
/// Safety phase: every client subscribes to the read query of a few keys, changes its
/// subscriptions over time, and appends unique elements by mutations (several in flight) and
/// sometimes actions, while the network nemesis breaks connections and partitions clients and the
/// node nemesis crashes and restarts the server. Liveness phase: faults heal, late messages drain,
/// and every client must become quiescent (connected, everything resolved, a result for every
/// query). Final check: the clients' final views are taken and the clients stop; the node is crashed
/// once more and recovered; every (key, timestamp) the checkers need is re-executed through a
/// read-only snapshot at that timestamp; the checkers run.
/// </summary>
internal sealed class SyncScenario
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan QuiescenceTimeout = TimeSpan.FromMinutes(3);

    private readonly SimLoop _loop;
    private readonly IStorageDevice _device;
    private readonly ScenarioKnobs _knobs;
    private readonly SyncOptions _options;
    private readonly SimNetwork _network;
    private readonly SyncRecorder _recorder;
    private readonly List<string> _violations = [];
    private readonly List<ISyncClient> _clients = [];
    private SyncServer _server = null!;
    private bool _safetyDone;

    public SyncScenario(SimLoop loop, IStorageDevice device, ScenarioKnobs knobs)
    {
        _loop = loop;
        _device = device;
        _knobs = knobs;
        _options = knobs.Sync;
        _network = new SimNetwork(loop, _options.Network, loop.Random.Fork("network"));
        _recorder = new SyncRecorder(loop);
    }

    /// <summary>What the checkers found, and what the clients detected on the spot (reported even if the
    /// run stalls).</summary>
    public IReadOnlyList<string> Violations => [.. _recorder.Violations, .. _violations];

    public DatabaseNode Node { get; private set; } = null!;

    public SyncRecorder Recorder => _recorder;

    public SimNetwork Network => _network;

    public IReadOnlyList<ISyncClient> Clients => _clients;

    public async Task RunAsync()
    {
        var ct = CancellationToken.None;
        Node = new DatabaseNode(_loop, new SimNode(_loop, "db"), _device, _knobs.Database, _knobs.Faults.Buggify,
            deployFunctions: true);
        _server = new SyncServer(_loop, Node, _network, _options);
        _network.Server = _server;
        await EnsureUpAsync(ct);
        await SyncSchema.CreateAsync(Node, EnsureUpAsync, _server.Crash, ct);

        for (var i = 0; i < _options.Clients; i++)
        {
            var random = _loop.Random.Fork($"sync-client:{i}");
            ISyncClient client = _options.Client switch
            {
                SyncClientKind.Simulated => new SyncClient(i, _loop, _network, _options, random, _recorder),
                SyncClientKind.Official => new Official.OfficialSyncClient(i, _loop, _network, _options, random, _recorder),
            };
            _clients.Add(client);
            _ = client.StartAsync();
        }

        var workloads = _clients.Select(c =>
        {
            var random = _loop.Random.Fork($"sync-workload:{c.Index}");
            var workload = new SyncWorkload(c, _options, _loop, _recorder, random);
            return c.Node.SpawnAsync("workload", workload.RunAsync, ct);
        }).ToList();
        var nemesis = _loop.Driver.SpawnAsync("nemesis", NemesisAsync, ct);
        var networkNemesis = _loop.Driver.SpawnAsync("network nemesis", NetworkNemesisAsync, ct);
        await Task.WhenAll(workloads);
        _safetyDone = true;
        await Task.WhenAll(nemesis, networkNemesis);

        if (await LivenessAsync(ct))
        {
            await FinalCheckAsync(ct);
        }
    }

    private async Task NemesisAsync(CancellationToken ct)
    {
        var random = _loop.Random.Fork("nemesis");
        var faults = _knobs.Faults;
        while (!_safetyDone)
        {
            await Task.Delay(Tick, _loop.Time, ct);
            var crashNow = faults.CrashIntervalMean > TimeSpan.Zero
                && random.Chance(1, Math.Max(1, (int)(faults.CrashIntervalMean.Ticks / Tick.Ticks)));
            var failed = Node.Current is { IsAvailable: false };
            if (Node.IsUp && (crashNow || failed))
            {
                _server.Crash();
                var down = TimeSpan.FromTicks((long)random.NextBelow((ulong)faults.DowntimeMax.Ticks + 1));
                await Task.Delay(down, _loop.Time, ct);
            }

            if (!Node.IsUp)
            {
                await Node.StartAsync(ct);
            }
        }
    }

    private async Task NetworkNemesisAsync(CancellationToken ct)
    {
        while (!_safetyDone)
        {
            await Task.Delay(Tick, _loop.Time, ct);
            foreach (var client in _clients)
            {
                _network.MaybeFault(client.Name, Tick);
            }
        }
    }

    /// <summary>Heals every fault and waits for every client to become quiescent; false on a liveness
    /// violation.</summary>
    private async Task<bool> LivenessAsync(CancellationToken ct)
    {
        _device.Heal();
        _network.Heal();
        if (Node.Current is { IsAvailable: false })
        {
            _server.Crash();
        }

        await EnsureUpAsync(ct);
        // Late deliveries of broken connections drain, and a client whose connection broke silently
        // notices through its inactivity timeout and reconnects; then every client must settle.
        var drain = _options.Network.StaleDeliveryMax;
        if (_options.Network.SilentPercent > 0 && _options.InactivityTimeout > drain)
        {
            drain = _options.InactivityTimeout;
        }

        await Task.Delay(drain + TimeSpan.FromSeconds(1), _loop.Time, ct);
        var deadline = _loop.Elapsed + QuiescenceTimeout;
        while (true)
        {
            if (_clients.All(c => c.IsQuiescent))
            {
                // Commit notifications still running in the server settle too; quiescence must hold after.
                await Task.Delay(TimeSpan.FromSeconds(2), _loop.Time, ct);
                if (_clients.All(c => c.IsQuiescent))
                {
                    return true;
                }
            }

            if (_loop.Elapsed > deadline)
            {
                var stuck = _clients.Where(c => !c.IsQuiescent).Select(c => $"{c.Name} (in flight {c.InFlight})");
                _violations.Add($"SyncLiveness: not quiescent {QuiescenceTimeout.TotalSeconds}s after the faults healed: " +
                    string.Join(", ", stuck));
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _loop.Time, ct);
        }
    }

    private async Task FinalCheckAsync(CancellationToken ct)
    {
        var finalTs = Node.Current!.LatestTs;
        var finals = _clients.Select(c => new FinalView(c.Index, c.Held())).ToList();
        foreach (var client in _clients)
        {
            client.Stop();
        }

        _server.Crash();
        await EnsureUpAsync(ct);
        var keys = Enumerable.Range(0, _options.KeyCount).Select(KeyName).ToList();
        var recoveredTs = Node.Current!.LatestTs;
        var finalData = new SortedDictionary<string, IReadOnlyList<long>>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var value = await ExecuteAsync(key, recoveredTs, ct);
            finalData[key] = value.Items ?? [];
            if (value.Items is null)
            {
                _violations.Add($"SyncFinalRead: reading {key} after recovery failed: {value.Error}");
            }
        }

        var history = _recorder.ToHistory(finals, finalTs, finalData);
        var table = new Dictionary<(string Key, Timestamp Ts), QueryResult>();
        foreach (var (key, ts) in QueryOracle.Needed(history))
        {
            table[(key, ts)] = await ExecuteAsync(key, ts, ct);
        }

        var oracle = QueryOracle.FromTable(table);
        OracleExecutions = table.Count;
        Report(OneTimestampPerTransitionChecker.Check(history, oracle));
        Report(MonotonicTimestampsChecker.Check(history));
        Report(MutationResolvedAfterVisibleChecker.Check(history, oracle));
        Report(NoPhantomUpdateChecker.Check(history, oracle));
        Report(NoMissedUpdateChecker.Check(history, oracle));
        Report(ExactlyOnceMutationChecker.Check(history));
    }

    public int OracleExecutions { get; private set; }

    public static string KeyName(int key) => string.Create(CultureInfo.InvariantCulture, $"k{key}");

    /// <summary>One violation line per invariant: how many anomalies, and the first few.</summary>
    private void Report(CheckResult result)
    {
        foreach (var group in result.Anomalies.GroupBy(a => a.Invariant))
        {
            var examples = string.Join("", group.Take(3).Select(a => $"\n    ({a.Class}) {a.Explanation}"));
            _violations.Add($"{group.Key}: {group.Count()} anomalies{examples}");
        }
    }

    /// <summary>A fresh execution of the read query at <paramref name="ts"/> (a read-only snapshot).</summary>
    private async Task<QueryResult> ExecuteAsync(string key, Timestamp ts, CancellationToken ct)
    {
        // Nothing commits any more: past the latest commit (a server may answer at a timestamp after its
        // last commit) the value is the latest one.
        var latest = Node.Current!.LatestTs;
        var at = ts <= latest ? ts : latest;
        var args = ConvexObject.Empty.With("key", new ConvexString(key));
        var call = new FunctionCall(SyncClient.ReadQuery, args) { At = at };
        try
        {
            var result = await Node.Runner!.RunQueryAsync(call, ct);
            Invariant.Assert(result.Ts == at);
            return result.Succeeded && result.Value is ConvexArray items
                ? new QueryResult([.. items.Items.Select(v => ((ConvexInt64)v).Value)], null)
                : QueryResult.Failed(result.ErrorMessage ?? "unexpected value");
        }
        catch (ConvexException e)
        {
            return QueryResult.Failed($"re-execution at ts {ts} failed: {e.Message}");
        }
    }

    private async Task EnsureUpAsync(CancellationToken ct)
    {
        for (var attempt = 0; !Node.IsUp; attempt++)
        {
            Invariant.Assert(attempt < 1000);
            if (!await Node.StartAsync(ct))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _loop.Time, ct);
            }
        }
    }
}
