using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Simulator.Checkers;
using Convex.Sim.Simulator.Scheduling;
using Convex.Sim.Storage;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>
/// The standard simulation: concurrent list-append clients against one database node.
///
/// Safety phase: clients run their transactions while a nemesis crashes and restarts the node
/// and the disk injects faults; a probe checks the write log. Liveness phase: faults are healed,
/// the node is brought up, and every client must get transactions committed again. Then the node is
/// crashed once more and recovered, the final state of every key is read, and the checkers run:
/// serializability (Elle-style), durability, and the write-log probes.
/// </summary>
internal sealed class ListAppendScenario(SimLoop loop, IStorageDevice device, ScenarioKnobs knobs)
{
    private readonly HistoryRecorder _history = new(text => loop.Trace.Record(loop.Elapsed, "client", text));
    private readonly List<string> _violations = [];
    private DatabaseNode _node = null!;
    private bool _safetyDone;

    public IReadOnlyList<string> Violations => _violations;

    public HistoryRecorder History => _history;

    public DatabaseNode Node => _node;

    public int ProbesChecked { get; private set; }

    /// <summary>Write-log probes whose range spanned a restart of the node.</summary>
    public int ProbesAcrossRestart { get; private set; }

    public async Task RunAsync()
    {
        var ct = CancellationToken.None;
        _node = new DatabaseNode(loop, new SimNode(loop, "db"), device, knobs.Database, knobs.Faults.Buggify,
            deployFunctions: knobs.Workload.FunctionClientsPercent > 0);
        await EnsureUpAsync(ct);
        await CreateSchemaAsync(ct);

        var clients = Enumerable.Range(0, knobs.Workload.Clients)
            .Select(p => new ListAppendClient(p, knobs.Workload, loop.Random.Fork($"client:{p}"), _history,
                viaFunctions: loop.Random.NextInt(0, 100) < knobs.Workload.FunctionClientsPercent)).ToList();
        var work = clients.Select((c, p) => loop.Driver.SpawnAsync($"client {p}", ct2 => ClientLoopAsync(c, ct2), ct)).ToList();
        var nemesis = loop.Driver.SpawnAsync("nemesis", NemesisAsync, ct);
        var probe = loop.Driver.SpawnAsync("probe", ProbeLoopAsync, ct);
        await Task.WhenAll(work);
        _safetyDone = true;
        await Task.WhenAll([nemesis, probe]);

        await LivenessAsync(clients, ct);
        await FinalCheckAsync(clients, ct);
    }

    private async Task ClientLoopAsync(ListAppendClient client, CancellationToken ct)
    {
        var random = loop.Random.Fork("think");
        for (var i = 0; i < knobs.Workload.TransactionsPerClient; i++)
        {
            await client.RunOneAsync(_node, ct);
            var think = TimeSpan.FromTicks((long)random.NextBelow((ulong)knobs.Workload.ThinkTimeMax.Ticks + 1));
            await Task.Delay(think, loop.Time, ct);
        }
    }

    private async Task NemesisAsync(CancellationToken ct)
    {
        var random = loop.Random.Fork("nemesis");
        while (!_safetyDone)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), loop.Time, ct);
            var crashNow = knobs.Faults.CrashIntervalMean > TimeSpan.Zero
                && random.Chance(1, Math.Max(1, (int)(knobs.Faults.CrashIntervalMean.TotalMilliseconds / 50)));
            var failed = _node.Current is { IsAvailable: false };
            if (_node.IsUp && (crashNow || failed))
            {
                _node.Crash();
                var down = TimeSpan.FromTicks((long)random.NextBelow((ulong)knobs.Faults.DowntimeMax.Ticks + 1));
                await Task.Delay(down, loop.Time, ct);
            }

            if (!_node.IsUp)
            {
                await _node.StartAsync(ct);
            }
        }
    }

    private async Task ProbeLoopAsync(CancellationToken ct)
    {
        var probe = new WriteLogProbe(loop.Random.Fork("probe"), knobs.Workload);
        while (!_safetyDone)
        {
            try
            {
                if (await probe.ProbeAsync(_node, TimeSpan.FromMilliseconds(30), ct)
                        .WaitAsync(knobs.Workload.CommitTimeout, loop.Time, ct) is { } violation)
                {
                    _violations.Add(violation);
                }
            }
            catch (TimeoutException)
            {
                // the node crashed under the probe; the next probe uses the new incarnation
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), loop.Time, ct);
        }

        ProbesChecked = probe.Checked;
        ProbesAcrossRestart = probe.AcrossRestart;
    }

    private async Task LivenessAsync(List<ListAppendClient> clients, CancellationToken ct)
    {
        device.Heal();
        await EnsureUpAsync(ct);
        var before = _history.Committed;
        foreach (var client in clients)
        {
            for (var i = 0; i < 3; i++)
            {
                await client.RunOneAsync(_node, ct);
            }
        }

        if (_history.Committed == before)
        {
            _violations.Add("Liveness: no transaction committed after the faults were healed");
        }
    }

    private async Task FinalCheckAsync(List<ListAppendClient> clients, CancellationToken ct)
    {
        _node.Crash();
        await EnsureUpAsync(ct);
        var final = await ReadFinalStateAsync(ct);
        var scratch = await ReadScratchAsync(ct);
        var history = _history.ToHistory();
        Report(history, SetChecker.Check([.. clients.SelectMany(c => c.Scratch.Effects(history))], scratch));
        Report(history, SerializabilityChecker.Check(history, out var dependencies));
        Report(history, DurabilityChecker.Check(history, final));
        Report(history, CommitTsChecker.Check(history, dependencies));
    }

    private void Report(History history, CheckResult result)
    {
        foreach (var anomaly in result.Anomalies)
        {
            var witnesses = string.Join("", anomaly.Transactions.Distinct().Take(6).Select(id => "\n    " + Describe(history[id])));
            _violations.Add($"{anomaly.Invariant} ({anomaly.Class}): {anomaly.Explanation}{witnesses}");
        }
    }

    private static string Describe(HistoryTransaction t) =>
        $"T{t.Id} p{t.Process} {t.Outcome} ts={t.CommitTs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}: " +
        string.Join(" ", t.Ops.Select(op => op switch
        {
            ReadOp r => $"r({r.Key})={(r.Observed is null ? "?" : SerializabilityChecker.Show(r.Observed))}",
            AppendOp a => $"a({a.Key},{a.Element})",
            _ => "?",
        }));

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<long>>> ReadFinalStateAsync(CancellationToken ct)
    {
        var tx = _node.Current!.BeginReadOnly();
        var docs = await tx.QueryAsync(ListAppendClient.Table, ListAppendClient.Index, IndexRange.All,
            ScanOrder.Ascending, int.MaxValue, ct);
        var state = new SortedDictionary<string, IReadOnlyList<long>>(StringComparer.Ordinal);
        foreach (var doc in docs)
        {
            var key = ((ConvexString)doc["key"]!).Value;
            Invariant.Assert(!state.ContainsKey(key));
            state[key] = [.. ((ConvexArray)doc["items"]!).Items.Select(v => ((ConvexInt64)v).Value)];
        }

        return state;
    }

    private async Task<IReadOnlySet<string>> ReadScratchAsync(CancellationToken ct)
    {
        var docs = await _node.Current!.BeginReadOnly().QueryAsync(ListAppendClient.ScratchTable, "by_creation_time",
            IndexRange.All, ScanOrder.Ascending, int.MaxValue, ct);
        return docs.Select(d => ((ConvexString)d["_id"]!).Value).ToHashSet(StringComparer.Ordinal);
    }

    private async Task EnsureUpAsync(CancellationToken ct)
    {
        for (var attempt = 0; !_node.IsUp; attempt++)
        {
            Invariant.Assert(attempt < 1000);
            if (!await _node.StartAsync(ct))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), loop.Time, ct);
            }
        }
    }

    /// <summary>Creates the table and index the clients use, riding out crashes and disk faults.</summary>
    private Task CreateSchemaAsync(CancellationToken ct) =>
        Sync.SyncSchema.CreateAsync(_node, EnsureUpAsync, _node.Crash, ct);
}

/// <summary>Which scenario a seed runs.</summary>
internal enum ScenarioKind
{
    /// <summary>Concurrent list-append transactions (<see cref="ListAppendScenario"/>).</summary>
    ListAppend = 1,

    /// <summary>Sync-protocol clients over the simulated network (<see cref="Sync.SyncScenario"/>).</summary>
    Sync = 2,
}

/// <summary>Everything a seed decides about a run.</summary>
internal sealed record ScenarioKnobs(ListAppendOptions Workload, DatabaseOptions Database, FaultOptions Faults)
{
    public ScenarioKind Kind { get; init; } = ScenarioKind.ListAppend;

    /// <summary>The sync scenario's workload and network (used when <see cref="Kind"/> is Sync).</summary>
    public Sync.SyncOptions Sync { get; init; } = new();

    public static ScenarioKnobs Derive(IRandom random) => new(
        ListAppendOptions.Randomize(random.Fork("workload")),
        DatabaseOptions.Default.Randomize(random.Fork("database")),
        FaultOptions.Randomize(random.Fork("faults")));
}
