using System.Text.RegularExpressions;
using Convex.Sim.Simulator.Sync;
using Convex.Sim.Simulator.Sync.Official;
using Convex.Sim.Simulator.Workloads;

namespace Convex.Sim.Simulator.Tests.Sync;

/// <summary>
/// The sync scenario with the official client (convex 1.48.0 <c>BaseConvexClient</c> in Jint) on the
/// client side: clean seeds replay identically, a planted lost update is caught by the checkers from
/// what the official client holds, and network faults make the official client reconnect. The bundle
/// comes from tests/functions (<c>npm ci</c>); without it these tests fail, they do not skip.
/// </summary>
public sealed partial class OfficialClientTests
{
    private static ScenarioKnobs Official(ScenarioKnobs knobs) =>
        knobs with { Kind = ScenarioKind.Sync, Sync = knobs.Sync with { Client = SyncClientKind.Official } };

    [Fact]
    public void The_bundle_of_the_pinned_official_client_is_installed()
    {
        Assert.True(OfficialClientBundle.IsAvailable, "run `npm ci` in tests/functions");
        var source = File.ReadAllText(OfficialClientBundle.Path!);
        Assert.Contains("var version = \"1.48.0\"", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(4UL)]
    [InlineData(6UL)]
    public void Official_client_seeds_pass_every_checker_and_replay_identically(ulong seed)
    {
        var first = SeedRun.Run(seed, keepTrace: true, Official);
        var second = SeedRun.Run(seed, keepTrace: true, Official);

        Assert.Empty(first.Violations);
        Assert.True(first.Committed > 0);
        Assert.Contains("client=official", first.Knobs, StringComparison.Ordinal);
        Assert.Contains(first.Loop.Trace.Events,
            e => e.Contains("official client 1.48.0 session", StringComparison.Ordinal));
        Assert.Contains(first.Loop.Trace.Events, e => e.Contains(" transition conn=", StringComparison.Ordinal));
        // The server reads the client's version from its /api/{version}/sync URL, as SyncEndpoint does.
        Assert.Contains(first.Loop.Trace.Events, e => e.Contains(" client 1.48.0", StringComparison.Ordinal));
        Assert.DoesNotContain(first.Loop.Trace.Events, e => e.Contains(" client 1.31.0", StringComparison.Ordinal));
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Null(Tracing.SimTrace.FirstDivergence(first.Loop.Trace, second.Loop.Trace));
    }

    [Fact]
    public void Updates_lost_before_the_official_client_are_caught_by_the_checkers()
    {
        // The planted bug: the shim strips the QueryUpdated modifications of every second transition, so
        // the official client's results go stale while its versions move on and mutations resolve.
        var found = Enumerable.Range(1, 4)
            .Select(s => SeedRun.Run((ulong)s, keepTrace: false, knobs => Official(knobs) with
            {
                Sync = Official(knobs).Sync with
                {
                    Bug = PlantedClientBug.DropQueryUpdates,
                    ChunkBytesMax = int.MaxValue,
                },
            }))
            .SelectMany(r => r.Violations)
            .ToList();

        Assert.Contains(found, v => v.StartsWith("MutationResolvedAfterVisible", StringComparison.Ordinal));
        Assert.Contains(found, v => v.StartsWith("NoMissedUpdate", StringComparison.Ordinal));
    }

    [Fact]
    public void Network_faults_make_the_official_client_reconnect()
    {
        // Frequent breaks (some silent, found only by the client's 60 s inactivity timer) and partitions.
        var run = SeedRun.Run(3, keepTrace: true, knobs => Official(knobs) with
        {
            Sync = Official(knobs).Sync with
            {
                Network = Official(knobs).Sync.Network with
                {
                    DisconnectIntervalMean = TimeSpan.FromMilliseconds(800),
                    SilentPercent = 20,
                    PartitionIntervalMean = TimeSpan.FromSeconds(3),
                },
            },
        });
        var reconnects = run.Loop.Trace.Events.Count(e => e.Contains("c>s {", StringComparison.Ordinal)
            && ReconnectFrame().IsMatch(e));

        Assert.Empty(run.Violations);
        Assert.True(reconnects > 0, "no Connect frame with connectionCount > 0");
        Assert.Contains(run.Loop.Trace.Events,
            e => e.Contains("console.log Attempting reconnect in", StringComparison.Ordinal));
    }

    [Fact]
    public void Chunked_transitions_and_authentication_changes_pass_with_the_official_client()
    {
        // Every transition over 48 bytes is chunked (the official client joins them); a fifth of the
        // operations call setAdminAuth or clearAuth, a third of the keys wrong (AuthError, then the
        // official client drops the key and reconnects when the server closes the socket).
        var runs = Enumerable.Range(1, 3).Select(s => SeedRun.Run((ulong)s, keepTrace: true,
            knobs => Official(knobs) with
            {
                Sync = Official(knobs).Sync with
                {
                    ChunkBytesMax = 48, AuthPercent = 20, WrongKeyPercent = 33, OpsPerClient = 25,
                },
            })).ToList();
        var events = runs.SelectMany(r => r.Loop.Trace.Events).ToList();

        Assert.All(runs, r => Assert.Empty(r.Violations));
        Assert.Contains(events, e => e.Contains("transition joined from", StringComparison.Ordinal));
        Assert.Contains(events,
            e => e.Contains("auth refused: The provided admin key was invalid", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Contains("clear auth", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cli_forces_the_official_client_and_prints_it_in_the_knobs()
    {
        var output = new StringWriter();
        var code = SimulatorCli.Run(["run", "--seed", "2", "--scenario", "sync", "--client", "official"], output);

        Assert.Equal(0, code);
        Assert.Contains("client=official", output.ToString().Split('\n')[0], StringComparison.Ordinal);
        Assert.Equal(2, SimulatorCli.Run(["run", "--seed", "2", "--client", "browser"], new StringWriter()));
    }

    [Fact]
    public void Some_sync_seeds_pick_the_official_client()
    {
        var official = Enumerable.Range(1, 200)
            .Select(s => SyncOptions.Randomize(new Core.Prng((ulong)s)))
            .Count(o => o.Client == SyncClientKind.Official);

        Assert.InRange(official, 20, 80);
    }

    [GeneratedRegex("\"connectionCount\":[1-9]")]
    private static partial Regex ReconnectFrame();
}
