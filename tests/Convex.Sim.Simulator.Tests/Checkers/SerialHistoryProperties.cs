using Convex.Sim.Simulator.Checkers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Convex.Sim.Simulator.Tests.Checkers;

/// <summary>
/// Random serial executions of list-append transactions against a trivial in-memory store are
/// serializable by construction: the checker must accept all of them, and must reject them once a
/// committed read is made stale.
/// </summary>
public sealed class SerialHistoryProperties
{
    private static readonly string[] Keys = ["a", "b", "c"];

    [Property(MaxTest = 200)]
    public bool Serial_executions_are_accepted(int seed) => SerializabilityChecker.Check(Serial(seed, stale: false)).Ok;

    [Property(MaxTest = 200)]
    public Property A_stale_read_in_a_serial_execution_is_rejected(int seed)
    {
        var history = Serial(seed, stale: true);
        var hasStale = history.Transactions.Any(t => t.Process == -1);
        return (!SerializabilityChecker.Check(history).Ok).When(hasStale);
    }

    /// <summary>Runs 30 random transactions one after another. With <paramref name="stale"/>, the
    /// first read of a key that already had two appends, in a transaction that then appends to the
    /// key, sees the state before the key's last append (marked with Process = -1).</summary>
    private static History Serial(int seed, bool stale)
    {
        var random = new Core.Prng((ulong)seed);
        var state = Keys.ToDictionary(k => k, _ => new List<long>());
        var transactions = new List<HistoryTransaction>();
        var next = 1L;
        var planted = false;
        for (var id = 0; id < 30; id++)
        {
            var ops = new List<MicroOp>();
            var process = id % 4;
            for (var n = random.NextInt(1, 5); n > 0; n--)
            {
                var key = Keys[random.NextInt(0, Keys.Length)];
                if (random.Chance(1, 2))
                {
                    state[key].Add(next);
                    ops.Add(new AppendOp(key, next++));
                }
                else if (stale && !planted && state[key].Count >= 2 && ops.Count == 0)
                {
                    ops.Add(new ReadOp(key, [.. state[key].SkipLast(1)]));
                    state[key].Add(next);
                    ops.Add(new AppendOp(key, next++));
                    planted = true;
                    process = -1;
                }
                else
                {
                    ops.Add(new ReadOp(key, [.. state[key]]));
                }
            }

            transactions.Add(new HistoryTransaction(id, process, TransactionOutcome.Committed, ops, (ulong)id + 1));
        }

        // A final read of every key fixes the version orders.
        transactions.Add(new HistoryTransaction(30, 0, TransactionOutcome.Committed,
            [.. Keys.Select(k => (MicroOp)new ReadOp(k, [.. state[k]]))], 31));
        return new History(transactions);
    }
}
