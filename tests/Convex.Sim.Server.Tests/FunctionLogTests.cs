using Convex.Sim.Functions.Execution;
using Convex.Sim.Server.Logs;

namespace Convex.Sim.Server.Tests;

/// <summary>
/// The in-memory function log behind <c>stream_function_logs</c>: cursors never repeat or go back
/// (a frozen clock, a clock stepping back), the head of cursor 0, the bounds, and the held poll.
/// </summary>
public sealed class FunctionLogTests
{
    private sealed class FrozenClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static FunctionExecution Execution(string name, params string[] lines) =>
        new(name, UdfKind.Query, Start, TimeSpan.FromMilliseconds(3), lines, null);

    [Fact]
    public async Task Cursors_increase_strictly_even_when_the_clock_stands_still_or_steps_back()
    {
        var clock = new FrozenClock(Start);
        var log = new FunctionLog(clock);
        var head = await log.ReadAsync(0, TimeSpan.Zero, TestServer.Ct);
        Assert.Empty(head.Entries);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), head.NewCursor);

        log.OnExecuted(Execution("a:one"));
        log.OnExecuted(Execution("a:two"));
        clock.Now = Start - TimeSpan.FromSeconds(10);
        log.OnExecuted(Execution("a:three"));
        var batch = await log.ReadAsync(head.NewCursor, TimeSpan.Zero, TestServer.Ct);
        Assert.Equal(["a:one", "a:two", "a:three"], batch.Entries.Select(e => e.Execution.Identifier));
        var cursors = batch.Entries.Select(e => e.Cursor).ToList();
        Assert.True(cursors[0] > head.NewCursor);
        Assert.True(cursors[1] > cursors[0] && cursors[2] > cursors[1], string.Join(",", cursors));
        Assert.Equal(cursors[2], batch.NewCursor);

        var rest = await log.ReadAsync(cursors[0], TimeSpan.Zero, TestServer.Ct);
        Assert.Equal(["a:two", "a:three"], rest.Entries.Select(e => e.Execution.Identifier));
    }

    [Fact]
    public async Task An_empty_poll_is_held_then_answered_with_the_same_cursor()
    {
        var log = new FunctionLog(new FrozenClock(Start));
        var head = await log.ReadAsync(0, TimeSpan.Zero, TestServer.Ct);
        var empty = await log.ReadAsync(head.NewCursor, TimeSpan.FromMilliseconds(50), TestServer.Ct);
        Assert.Empty(empty.Entries);
        Assert.Equal(head.NewCursor, empty.NewCursor);

        var held = log.ReadAsync(head.NewCursor, TimeSpan.FromSeconds(30), TestServer.Ct);
        Assert.False(held.IsCompleted);
        log.OnExecuted(Execution("b:woke"));
        var woke = await held.WaitAsync(TimeSpan.FromSeconds(10), TestServer.Ct);
        Assert.Equal("b:woke", Assert.Single(woke.Entries).Execution.Identifier);
    }

    [Fact]
    public async Task The_log_keeps_a_bounded_number_of_entries_and_characters()
    {
        var log = new FunctionLog(new FrozenClock(Start));
        for (var i = 0; i < FunctionLog.EntriesMax + 10; i++)
        {
            log.OnExecuted(Execution($"c:{i}"));
        }

        Assert.Equal(FunctionLog.EntriesMax, log.Count);
        var all = await log.ReadAsync(0, TimeSpan.Zero, TestServer.Ct);
        Assert.Equal("c:10", all.Entries[0].Execution.Identifier);

        var line = new string('x', 32 * 1024);
        var big = Enumerable.Repeat(line, 256).ToArray(); // 8 MiB of text
        for (var i = 0; i < 8; i++)
        {
            log.OnExecuted(Execution($"d:{i}", big));
        }

        var kept = (await log.ReadAsync(0, TimeSpan.Zero, TestServer.Ct)).Entries;
        Assert.Equal(["d:4", "d:5", "d:6", "d:7"], kept.Select(e => e.Execution.Identifier));
    }
}
