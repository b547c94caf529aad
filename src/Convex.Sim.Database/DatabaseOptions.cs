using Convex.Sim.Core;

namespace Convex.Sim.Database;

/// <summary>
/// Knobs of the database. Defaults are the official backend's limits (convex-compat §7.15).
/// <see cref="Randomize"/> derives simulation values from a seed, FoundationDB-knob style: limits
/// stay at their official values (they are semantics), while retry and retention knobs vary.
/// </summary>
public sealed record DatabaseOptions
{
    public int WritesPerTransactionMax { get; init; } = 16_000;
    public int RowsReadPerTransactionMax { get; init; } = 32_000;
    public long BytesReadPerTransactionMax { get; init; } = 16L << 20;
    public long BytesWrittenPerTransactionMax { get; init; } = 16L << 20;
    public int ReadSetRangesMax { get; init; } = 4_096;

    /// <summary>Attempts of a mutation in total, the first included (official: 1 + 4 retries).</summary>
    public int MutationAttemptsMax { get; init; } = 5;
    public TimeSpan RetryBackoffInitial { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan RetryBackoffMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many recent commits the write log keeps for OCC validation and subscriptions.</summary>
    public int WriteLogCommitsMax { get; init; } = 100_000;

    /// <summary>How far back (in commit timestamps) recovery rebuilds the write log from persistence; older
    /// questions get <see cref="Errors.OutOfRetentionException"/> (callers treat it as "changed").</summary>
    public TimeSpan WriteLogRecoveryWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// OCC read-set validation at commit. Always on in real use; turning it off is the "gap" that the
    /// simulator's checkers must catch (mirroring the TLA+ gap configuration), so tests can prove the
    /// checkers fail on a database that is not serializable.
    /// </summary>
    public bool ValidateReadSets { get; init; } = true;

    /// <summary>
    /// Version retention: history older than this (in commit timestamps, behind the latest commit) is
    /// deleted in the background, and reads at such timestamps fail with <see cref="Errors.OutOfRetentionException"/>
    /// (so a transaction must finish within the window). Null keeps every version forever.
    /// </summary>
    public TimeSpan? RetentionWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often the retention task advances the bound and deletes what fell behind it.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Versions deleted per persistence call (each call holds the persistence lock).</summary>
    public int RetentionBatch { get; init; } = 1_000;

    /// <summary>Rows fetched from persistence per page of an index scan.</summary>
    public int ScanPageRows { get; init; } = 128;

    public static DatabaseOptions Default { get; } = new();

    public DatabaseOptions Validate()
    {
        Invariant.Assert(WritesPerTransactionMax > 0);
        Invariant.Assert(RowsReadPerTransactionMax > 0);
        Invariant.Assert(ReadSetRangesMax > 0);
        Invariant.Assert(MutationAttemptsMax >= 1);
        Invariant.Assert(RetryBackoffInitial >= TimeSpan.Zero && RetryBackoffMax >= RetryBackoffInitial);
        Invariant.Assert(WriteLogCommitsMax >= 16);
        Invariant.Assert(WriteLogRecoveryWindow >= TimeSpan.Zero);
        Invariant.Assert(RetentionWindow is null || RetentionWindow >= TimeSpan.Zero);
        Invariant.Assert(RetentionInterval > TimeSpan.Zero);
        Invariant.Assert(RetentionBatch >= 1);
        Invariant.Assert(ScanPageRows >= 1);
        return this;
    }

    public DatabaseOptions Randomize(IRandom random) => (this with
    {
        MutationAttemptsMax = random.NextInt(1, 8),
        RetryBackoffInitial = TimeSpan.FromMilliseconds(random.NextInt(0, 200)),
        RetryBackoffMax = TimeSpan.FromMilliseconds(random.NextInt(200, 3000)),
        WriteLogCommitsMax = random.Chance(1, 4) ? random.NextInt(16, 64) : 100_000,
        WriteLogRecoveryWindow = random.Chance(1, 4) ? TimeSpan.Zero : TimeSpan.FromSeconds(random.NextInt(1, 600)),
        ScanPageRows = random.Chance(1, 3) ? random.NextInt(1, 4) : 128,
        RetentionWindow = random.Chance(1, 4) ? null
            : TimeSpan.FromMilliseconds(random.Chance(1, 2) ? random.NextInt(0, 500) : random.NextInt(0, 10_000)),
        RetentionInterval = TimeSpan.FromMilliseconds(random.NextInt(20, 2_000)),
        RetentionBatch = random.NextInt(1, 64),
    }).Validate();
}
