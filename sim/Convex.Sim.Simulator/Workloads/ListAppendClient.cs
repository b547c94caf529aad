using System.Collections.Immutable;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Database.Transactions;
using Convex.Sim.Simulator.Checkers;
using Convex.Sim.Storage;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>
/// One client process of the list-append workload (Elle's list-append, adapted to documents).
///
/// Goal: produce histories from which the serializability checker can infer every dependency.
/// Method: each key is a document <c>{key, items}</c> in table <c>kv</c> (index <c>by_key</c>);
/// a transaction is 1-4 micro-ops, each a read of one key (by index equality, by id, or a range
/// scan over several keys) or an append of a globally unique element (insert when the key has no
/// document yet, patch otherwise). Each attempt is its own history transaction: an OCC conflict is
/// an abort, and the client then starts a fresh transaction. Transactions also insert and delete
/// whole documents in a side table <c>scratch</c> (checked as a set by <see cref="Checkers.SetChecker"/>),
/// because list-append histories cannot express deletes.
/// </summary>
internal sealed partial class ListAppendClient(
    int process, ListAppendOptions options, IRandom random, HistoryRecorder history, bool viaFunctions = false)
{
    private readonly ScratchRecorder scratch = new();

    public const string Table = "kv";
    public const string Index = "by_key";
    public const string ScratchTable = "scratch";

    private readonly Dictionary<string, DocumentId> _knownIds = [];

    /// <summary>True when this client's transactions run as JavaScript mutations through the function runner.</summary>
    public bool ViaFunctions => viaFunctions;

    /// <summary>This client's scratch-table inserts and deletes, per transaction.</summary>
    public ScratchRecorder Scratch => scratch;

    public static string KeyName(int key) => $"k{key:D3}";

    /// <summary>Runs one transaction attempt against <paramref name="node"/> and records its outcome.</summary>
    public async Task RunOneAsync(DatabaseNode node, CancellationToken cancellationToken)
    {
        var plan = PlanTransaction();
        var id = history.Begin(process);
        scratch.Begin(id);
        if (viaFunctions)
        {
            await RunViaFunctionAsync(node, plan, id, cancellationToken);
            return;
        }

        var ops = new List<MicroOp>();
        var database = node.Current;
        if (database is null)
        {
            history.End(id, TransactionOutcome.Aborted, ops, null);
            return;
        }

        Transaction transaction;
        try
        {
            transaction = database.BeginTransaction();
            // A crashed node never answers (its persistence lock may be held by dead work), so the
            // client gives up after a timeout, as a real client would.
            await ExecutePlanAsync(transaction, plan, ops, cancellationToken)
                .WaitAsync(options.CommitTimeout, node.Time, cancellationToken);
        }
        catch (Exception e) when (IsExpectedBeforeCommit(e))
        {
            history.End(id, TransactionOutcome.Aborted, ops, null);
            return;
        }

        await CommitAsync(node, database, transaction, id, ops, cancellationToken);
    }

    private async Task CommitAsync(
        DatabaseNode node, Database.Database database, Transaction transaction, int id, List<MicroOp> ops,
        CancellationToken cancellationToken)
    {
        try
        {
            var commit = database.CommitAsync(transaction, cancellationToken);
            var ts = await commit.WaitAsync(options.CommitTimeout, node.Time, cancellationToken);
            history.End(id, TransactionOutcome.Committed, ops, ts.Value);
        }
        catch (OccConflictException)
        {
            history.End(id, TransactionOutcome.Aborted, ops, null);
        }
        catch (DatabaseUnavailableException)
        {
            // Refused before it reached the committer's queue, or failed with the rest of the queue
            // after a persistence failure: in both cases it was never written.
            history.End(id, TransactionOutcome.Aborted, ops, null);
        }
        catch (Exception e) when (e is CommitOutcomeUnknownException or TimeoutException)
        {
            history.End(id, TransactionOutcome.Indeterminate, ops, null);
        }
    }

    private async Task ExecutePlanAsync(Transaction transaction, List<PlannedOp> plan, List<MicroOp> ops, CancellationToken ct)
    {
        foreach (var step in plan)
        {
            await ExecuteAsync(transaction, step, ops, ct);
        }
    }

    private static bool IsExpectedBeforeCommit(Exception e) =>
        e is ConvexException or TimeoutException;

    private List<PlannedOp> PlanTransaction()
    {
        var count = random.NextInt(1, options.OpsPerTransactionMax + 1);
        var plan = new List<PlannedOp>(count);
        for (var i = 0; i < count; i++)
        {
            var key = random.NextInt(0, options.KeyCount);
            var kind = random.NextInt(0, 12) switch
            {
                < 4 => OpKind.Append,
                < 6 => OpKind.ReadByIndex,
                < 8 => OpKind.ReadById,
                < 10 => OpKind.ReadRange,
                10 => OpKind.ScratchInsert,
                _ => OpKind.ScratchDelete,
            };
            plan.Add(new PlannedOp(kind, key, random.NextInt(1, 4)));
        }

        return plan;
    }

    private async Task ExecuteAsync(Transaction tx, PlannedOp step, List<MicroOp> ops, CancellationToken ct)
    {
        switch (step.Kind)
        {
            case OpKind.Append:
                await AppendAsync(tx, KeyName(step.Key), ops, ct);
                break;
            case OpKind.ReadByIndex:
                ops.Add(new ReadOp(KeyName(step.Key), Items(await FindAsync(tx, KeyName(step.Key), ct))));
                break;
            case OpKind.ReadById:
                await ReadByIdAsync(tx, KeyName(step.Key), ops, ct);
                break;
            case OpKind.ReadRange:
                await ReadRangeAsync(tx, step.Key, Math.Min(options.KeyCount - 1, step.Key + step.Width), ops, ct);
                break;
            case OpKind.ScratchInsert:
                var inserted = await tx.InsertAsync(ScratchTable, ConvexObject.Empty.With("slot", new ConvexInt64(step.Key)), ct);
                scratch.Inserted(DocumentIdCodec.Encode(inserted));
                break;
            case OpKind.ScratchDelete:
                await DeleteSomeScratchAsync(tx, step.Width, ct);
                break;
        }
    }

    private async Task AppendAsync(Transaction tx, string key, List<MicroOp> ops, CancellationToken ct)
    {
        var element = history.NextElement();
        var doc = await FindAsync(tx, key, ct);
        if (doc is null)
        {
            var fields = ConvexObject.Empty
                .With("key", new ConvexString(key))
                .With("items", new ConvexArray([new ConvexInt64(element)]));
            _knownIds[key] = await tx.InsertAsync(Table, fields, ct);
        }
        else
        {
            var items = ((ConvexArray)doc["items"]!).Items.Add(new ConvexInt64(element));
            var patch = new KeyValuePair<string, ConvexValue?>[] { new("items", new ConvexArray(items)) };
            await tx.PatchAsync(IdOf(doc), patch, ct);
        }

        ops.Add(new AppendOp(key, element));
    }

    private async Task ReadByIdAsync(Transaction tx, string key, List<MicroOp> ops, CancellationToken ct)
    {
        if (!_knownIds.TryGetValue(key, out var id))
        {
            ops.Add(new ReadOp(key, Items(await FindAsync(tx, key, ct))));
            return;
        }

        // A remembered id may come from an insert that never committed, so a miss falls back to the
        // index. A key's document is never deleted, so a hit is the key's document.
        var doc = await tx.GetAsync(id, ct) ?? await FindAsync(tx, key, ct);
        Invariant.Assert(doc is null || ((ConvexString)doc["key"]!).Value == key);
        ops.Add(new ReadOp(key, Items(doc)));
    }

    /// <summary>Deletes one of the first few scratch documents (in creation order, either direction).</summary>
    private async Task DeleteSomeScratchAsync(Transaction tx, int pick, CancellationToken ct)
    {
        var order = random.Chance(1, 2) ? ScanOrder.Ascending : ScanOrder.Descending;
        var docs = await tx.QueryAsync(ScratchTable, "by_creation_time", IndexRange.All, order, 4, ct);
        if (docs.Count == 0)
        {
            return;
        }

        var id = IdOf(docs[pick % docs.Count]);
        await tx.DeleteAsync(id, ct);
        scratch.Deleted(DocumentIdCodec.Encode(id));
    }

    private async Task ReadRangeAsync(Transaction tx, int first, int last, List<MicroOp> ops, CancellationToken ct)
    {
        var range = new IndexRange([], new RangeBound(new ConvexString(KeyName(first)), true),
            new RangeBound(new ConvexString(KeyName(last)), true));
        var order = random.Chance(1, 2) ? ScanOrder.Ascending : ScanOrder.Descending;
        var docs = await tx.QueryAsync(Table, Index, range, order, int.MaxValue, ct);
        var found = docs.ToDictionary(d => ((ConvexString)d["key"]!).Value, d => d);
        for (var key = first; key <= last; key++)
        {
            ops.Add(new ReadOp(KeyName(key), Items(found.GetValueOrDefault(KeyName(key)))));
        }
    }

    private async Task<ConvexObject?> FindAsync(Transaction tx, string key, CancellationToken ct)
    {
        var docs = await tx.QueryAsync(Table, Index, IndexRange.Eq(new ConvexString(key)), ScanOrder.Ascending, 2, ct);
        Invariant.Assert(docs.Count <= 1); // one document per key: inserts of a key conflict under OCC
        if (docs.Count == 1)
        {
            _knownIds[key] = IdOf(docs[0]);
        }

        return docs.Count == 0 ? null : docs[0];
    }

    private static DocumentId IdOf(ConvexObject doc) => DocumentIdCodec.Decode(((ConvexString)doc["_id"]!).Value);

    private static ImmutableArray<long> Items(ConvexObject? doc) => doc is null
        ? []
        : [.. ((ConvexArray)doc["items"]!).Items.Select(v => ((ConvexInt64)v).Value)];

    private enum OpKind
    {
        Append = 1,
        ReadByIndex = 2,
        ReadById = 3,
        ReadRange = 4,
        ScratchInsert = 5,
        ScratchDelete = 6,
    }

    private readonly record struct PlannedOp(OpKind Kind, int Key, int Width);
}
