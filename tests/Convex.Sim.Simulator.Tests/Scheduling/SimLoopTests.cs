using Convex.Sim.Core;
using Convex.Sim.Simulator.Scheduling;

namespace Convex.Sim.Simulator.Tests.Scheduling;

/// <summary>The scheduler and the virtual clock on toy workloads.</summary>
public sealed class SimLoopTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Two nodes, three tasks each, incrementing a shared counter with a yield between
    /// read and write: lost updates happen on some interleavings and not on others.</summary>
    private static (int Counter, ulong Hash, RunOutcome Outcome) RacyCounter(ulong seed)
    {
        var loop = new SimLoop(seed, Epoch);
        var counter = 0;
        var nodes = new[] { new SimNode(loop, "a"), new SimNode(loop, "b") };
        var outcome = loop.Run(async () =>
        {
            var work = new List<Task>();
            foreach (var node in nodes)
            {
                var runtime = node.CreateRuntime(buggify: false);
                for (var t = 0; t < 3; t++)
                {
                    work.Add(runtime.Spawn($"inc{t}", async ct =>
                    {
                        for (var i = 0; i < 5; i++)
                        {
                            var seen = counter;
                            await Task.Yield();
                            await Task.Delay(TimeSpan.FromMilliseconds(runtime.Random.NextInt(0, 3)), loop.Time, ct);
                            counter = seen + 1;
                        }
                    }, CancellationToken.None));
                }
            }

            await Task.WhenAll(work);
        }, TimeSpan.FromHours(1));
        return (counter, loop.Trace.Hash, outcome);
    }

    [Fact]
    public void The_same_seed_replays_the_same_interleaving()
    {
        for (var seed = 1UL; seed <= 50; seed++)
        {
            var first = RacyCounter(seed);
            var second = RacyCounter(seed);
            Assert.Equal(RunOutcome.Completed, first.Outcome);
            Assert.Equal(first, second);
        }
    }

    [Fact]
    public void Different_seeds_explore_different_interleavings()
    {
        var counters = Enumerable.Range(1, 50).Select(s => RacyCounter((ulong)s).Counter).ToHashSet();
        Assert.True(counters.Count > 1, "every seed produced the same outcome");
        Assert.True(counters.All(c => c <= 30));
        Assert.Contains(counters, c => c < 30); // some interleaving lost an update
    }

    [Fact]
    public void The_clock_jumps_to_the_next_timer()
    {
        var loop = new SimLoop(1, Epoch);
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var outcome = loop.Run(() => Task.Delay(TimeSpan.FromHours(1), loop.Time), TimeSpan.FromDays(1));
        Assert.Equal(RunOutcome.Completed, outcome);
        Assert.Equal(TimeSpan.FromHours(1), loop.Elapsed);
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(Epoch + TimeSpan.FromHours(1), loop.Time.GetUtcNow());
    }

    [Fact]
    public void Timers_never_fire_inline()
    {
        var loop = new SimLoop(1, Epoch);
        var fired = 0;
        var firedBeforeReturn = -1;
        loop.Run(async () =>
        {
            using var timer = loop.Time.CreateTimer(_ => fired++, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            firedBeforeReturn = fired;
            await Task.Delay(TimeSpan.FromMilliseconds(1), loop.Time);
        }, TimeSpan.FromHours(1));
        Assert.Equal(0, firedBeforeReturn);
        Assert.Equal(1, fired);
    }

    [Fact]
    public void A_crash_drops_the_nodes_pending_work_and_timers()
    {
        var loop = new SimLoop(1, Epoch);
        var node = new SimNode(loop, "db");
        var finished = false;
        var outcome = loop.Run(async () =>
        {
            _ = node.CreateRuntime(false).Spawn("slow", async ct =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1), loop.Time, ct);
                finished = true;
            }, CancellationToken.None);
            await Task.Delay(TimeSpan.FromMilliseconds(500), loop.Time);
            node.Crash();
            await Task.Delay(TimeSpan.FromSeconds(5), loop.Time);
        }, TimeSpan.FromHours(1));
        Assert.Equal(RunOutcome.Completed, outcome);
        Assert.False(finished);
        node.Restart();
        Assert.True(node.IsAlive);
        Assert.Equal(1, node.Incarnation);
    }

    [Fact]
    public void Waiting_for_something_that_never_happens_is_a_deadlock()
    {
        var loop = new SimLoop(1, Epoch);
        var never = new TaskCompletionSource();
        Assert.Equal(RunOutcome.Deadlock, loop.Run(() => never.Task, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Running_past_the_limit_is_reported()
    {
        var loop = new SimLoop(1, Epoch);
        Assert.Equal(RunOutcome.TimeLimit, loop.Run(() => Task.Delay(TimeSpan.FromHours(2), loop.Time), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void An_exception_in_spawned_work_fails_the_run()
    {
        var loop = new SimLoop(1, Epoch);
        var node = new SimNode(loop, "db");
        var outcome = loop.Run(async () =>
        {
            _ = node.CreateRuntime(false).Spawn("boom", _ => throw new InvalidOperationException("boom"), CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(1), loop.Time);
        }, TimeSpan.FromHours(1));
        Assert.Equal(RunOutcome.Failed, outcome);
        Assert.Contains("boom", loop.Failure!.Message);
    }

    [Fact]
    public void Posting_from_another_thread_is_an_invariant_violation()
    {
        var loop = new SimLoop(1, Epoch);
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                loop.Driver.Context.Post(_ => { }, null);
            }
            catch (InvariantViolationException e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.IsType<InvariantViolationException>(error);
    }
}
