using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Storage;

/// <summary>
/// The storage contract the database needs: an append-only, multi-version log of documents and
/// index entries keyed by commit timestamp. Kept SQL-friendly (rows of scalars and byte keys) so
/// that SQLite, Postgres and MySQL implement it with plain tables.
///
/// Invariants every implementation must keep (checked by the conformance suite):
/// <list type="bullet">
/// <item>A <see cref="WriteAsync"/> call is atomic and durable: when it completes, every record
///   in it survives a crash; if it throws, the caller must treat the outcome as unknown and
///   recover (reopen) before writing again. After recovery either all or none of it is there.</item>
/// <item>Commit timestamps strictly increase across calls and within a call.</item>
/// <item>Reads at timestamp T see exactly the latest version with ts ≤ T of each document and
///   index key; a tombstone hides the key.</item>
/// </list>
/// Implementations are not thread-safe: the database serialises writes through its committer and
/// may issue reads concurrently only where an implementation says so, and where the contract of
/// <see cref="StageAsync"/> and <see cref="SyncAsync"/> allows (a pending sync overlaps the next group's
/// staging and reads: the committer's pipeline).
/// </summary>
public interface IPersistence : IAsyncDisposable
{
    /// <summary>Opens (creating if needed) and returns the highest durable commit timestamp,
    /// or <see cref="Timestamp.Zero"/> when empty. Must be called once, before anything else.</summary>
    ValueTask<Timestamp> RecoverAsync(CancellationToken cancellationToken);

    /// <summary>Writes a group of commits atomically with one durability barrier (group commit).</summary>
    ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken);

    /// <summary>
    /// Pipelined group commit, step 1: takes the group's place in the write order, after every group staged or
    /// written before it, and does the group's work that needs no durability barrier. The group is durable only
    /// once <see cref="SyncAsync"/> covering it has returned, and may be lost by a crash before that, but never
    /// in part. Called by one caller at a time, and never while a <see cref="WriteAsync"/> runs; it may run
    /// while a <see cref="SyncAsync"/> of earlier groups is pending, and reads may run while either is pending
    /// (they only ask for timestamps up to the latest synced group). The default writes the group durably at
    /// once (then <see cref="SyncAsync"/> has nothing left to do).
    /// </summary>
    ValueTask StageAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken) =>
        WriteAsync(commits, cancellationToken);

    /// <summary>
    /// Pipelined group commit, step 2: returns once every group staged up to the one ending at
    /// <paramref name="upTo"/> is durable. Groups become durable strictly in stage order (a crash keeps a
    /// prefix of the staged groups), so a group is durable once any later one is. May run concurrently with
    /// another <see cref="SyncAsync"/>, a <see cref="StageAsync"/> of later groups and reads. If it throws,
    /// every staged group not yet synced has an unknown outcome, and every later <see cref="SyncAsync"/> and
    /// <see cref="StageAsync"/> throws too until a new instance recovers (as after a failed
    /// <see cref="WriteAsync"/>).
    /// </summary>
    ValueTask SyncAsync(Timestamp upTo, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>True when <see cref="MaintainAsync"/> has work to do. Cheap and thread safe: the database polls it after
    /// publishing each group. The default never has any.</summary>
    bool MaintenanceDue => false;

    /// <summary>
    /// Upkeep that must not hold up commits: for SQLite, committing the main file's batch and checkpointing it, which
    /// lets the commit journal be trimmed. The database runs it in a work item of its own, one call at a time and
    /// outside its persistence lock, so it may overlap any other call; an implementation that reports maintenance due
    /// must allow that. It changes no content: a failure leaves every synced group as it was (the next call retries).
    /// </summary>
    ValueTask MaintainAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The latest version of <paramref name="id"/> with ts ≤ <paramref name="at"/>,
    /// or null if none exists or the latest is a deletion.</summary>
    ValueTask<StoredDocument?> GetAsync(DocumentId id, Timestamp at, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> live index rows of <paramref name="index"/> inside
    /// <paramref name="range"/>, as of <paramref name="at"/>, in key order (or reverse), each joined
    /// with the document version it points to. Callers page by narrowing the range.
    /// </summary>
    ValueTask<IReadOnlyList<IndexRow>> ScanAsync(
        IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit, CancellationToken cancellationToken);

    /// <summary>Every commit with ts in (after, upTo], in timestamp order (rebuilds the write log,
    /// feeds the checkers). Commits at or before a bound passed to <see cref="PruneAsync"/> may be missing
    /// or incomplete.</summary>
    IAsyncEnumerable<CommitRecord> LoadCommitsAsync(Timestamp after, Timestamp upTo, CancellationToken cancellationToken);

    /// <summary>
    /// Version retention: deletes up to <paramref name="limit"/> document versions and index entries that no
    /// read at or after <paramref name="bound"/> can see (versions superseded at or before the bound, and
    /// tombstones that are the newest version at the bound once nothing older is left). Returns how many it
    /// deleted; fewer than the limit means nothing is left to delete for this bound. Reads at timestamps
    /// ≥ <paramref name="bound"/> are unaffected; reads below it may see missing versions, so the database
    /// refuses them. <paramref name="bound"/> must not exceed the latest commit. Atomic per call, but not a
    /// commit: a crash may undo part of it (or, for the log persistence, all of it), which is harmless.
    /// </summary>
    ValueTask<int> PruneAsync(Timestamp bound, int limit, CancellationToken cancellationToken);
}

public enum ScanOrder
{
    Ascending = 1,
    Descending = 2,
}

/// <summary>One committed document version (Value null means the document was deleted).</summary>
public sealed record DocumentWrite(DocumentId Id, ConvexObject? Value);

/// <summary>One index change: <see cref="Id"/> null deletes the key (a tombstone).</summary>
public sealed record IndexWrite(IndexId Index, byte[] Key, DocumentId? Id);

/// <summary>Everything one transaction wrote, stamped with its commit timestamp.</summary>
public sealed record CommitRecord(Timestamp Ts, IReadOnlyList<DocumentWrite> Documents, IReadOnlyList<IndexWrite> Indexes);

/// <summary>A document version as stored.</summary>
public sealed record StoredDocument(DocumentId Id, Timestamp Ts, ConvexObject Value);

/// <summary>A live index entry and the document it points to.</summary>
public sealed record IndexRow(byte[] Key, StoredDocument Document);

/// <summary>
/// A half-open byte-key interval [Start, End) in unsigned lexicographic (memcmp) order.
/// <see cref="End"/> null means unbounded above. Index keys are produced by the order-preserving
/// key codec, so byte order is value order.
/// </summary>
public sealed record KeyRange(byte[] Start, byte[]? End)
{
    public static readonly KeyRange All = new([], null);

    public bool Contains(ReadOnlySpan<byte> key) =>
        key.SequenceCompareTo(Start) >= 0 && (End is null || key.SequenceCompareTo(End) < 0);

    public bool IsEmpty => End is not null && Start.AsSpan().SequenceCompareTo(End) >= 0;

    /// <summary>The range of keys that start with <paramref name="prefix"/>.</summary>
    public static KeyRange Prefix(byte[] prefix) => new(prefix, KeySuccessor.PrefixEnd(prefix));
}

/// <summary>Helpers for byte-key boundaries.</summary>
public static class KeySuccessor
{
    /// <summary>The smallest key greater than every key with this prefix, or null if none
    /// (the prefix is all 0xFF).</summary>
    public static byte[]? PrefixEnd(ReadOnlySpan<byte> prefix)
    {
        var end = prefix.ToArray();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] != 0xFF)
            {
                end[i]++;
                return end[..(i + 1)];
            }
        }

        return null;
    }

    /// <summary>The smallest key strictly greater than <paramref name="key"/>: key ‖ 0x00.</summary>
    public static byte[] Immediate(ReadOnlySpan<byte> key)
    {
        var next = new byte[key.Length + 1];
        key.CopyTo(next);
        return next;
    }
}
