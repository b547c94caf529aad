using System.Collections.Immutable;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Simulator.Checkers;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>
/// The same transactions, executed as a JavaScript mutation (<c>listAppend:txn</c>, see
/// Workloads/Functions/listAppend.js) through the function runner: the plan travels as the
/// mutation's arguments and the reads come back in its return value. The runner retries OCC
/// conflicts itself; only the attempt that commits produces reads, so the history records one
/// transaction per call.
/// </summary>
internal sealed partial class ListAppendClient
{
    public const string TxnFunction = "listAppend:txn";

    private async Task RunViaFunctionAsync(DatabaseNode node, List<PlannedOp> plan, int id, CancellationToken cancellationToken)
    {
        var ops = new List<MicroOp>();
        if (node.Runner is not { } runner)
        {
            history.End(id, TransactionOutcome.Aborted, ops, null);
            return;
        }

        var elements = plan.Select(step => step.Kind == OpKind.Append ? history.NextElement() : 0).ToList();
        var call = new FunctionCall(TxnFunction, ConvexObject.Empty.With("ops", EncodePlan(plan, elements)));
        FunctionResult result;
        try
        {
            result = await runner.RunMutationAsync(call, cancellationToken).WaitAsync(options.CommitTimeout, node.Time, cancellationToken);
        }
        catch (Exception e) when (e is OccConflictException or DatabaseUnavailableException)
        {
            history.End(id, TransactionOutcome.Aborted, ops, null);
            return;
        }
        catch (Exception e) when (e is CommitOutcomeUnknownException or TimeoutException)
        {
            history.End(id, TransactionOutcome.Indeterminate, ops, null);
            return;
        }

        if (!result.Succeeded)
        {
            // The function failed before committing (a read failed on a crashing node, a limit...).
            history.End(id, TransactionOutcome.Aborted, ops, null);
            return;
        }

        RecordResult(plan, elements, (ConvexObject)result.Value!, ops);
        history.End(id, TransactionOutcome.Committed, ops, result.Ts.Value);
    }

    private ConvexArray EncodePlan(List<PlannedOp> plan, List<long> elements)
    {
        var encoded = new List<ConvexValue>();
        for (var i = 0; i < plan.Count; i++)
        {
            var step = plan[i];
            var key = new ConvexString(KeyName(step.Key));
            var op = step.Kind switch
            {
                OpKind.Append => Op("append").With("key", key).With("element", new ConvexInt64(elements[i])),
                OpKind.ReadByIndex => Op("readIndex").With("key", key),
                OpKind.ReadById => _knownIds.TryGetValue(KeyName(step.Key), out var known)
                    ? Op("readId").With("key", key).With("id", new ConvexString(DocumentIdCodec.Encode(known)))
                    : Op("readId").With("key", key),
                OpKind.ReadRange => RangeOp(step),
                OpKind.ScratchInsert => Op("scratchInsert").With("slot", new ConvexInt64(step.Key)),
                _ => Op("scratchDelete").With("pick", new ConvexFloat64(step.Width)).With("desc", ConvexBoolean.Of(random.Chance(1, 2))),
            };
            encoded.Add(op);
        }

        return new ConvexArray([.. encoded]);
    }

    private ConvexObject RangeOp(PlannedOp step)
    {
        var last = Math.Min(options.KeyCount - 1, step.Key + step.Width);
        var keys = Enumerable.Range(step.Key, last - step.Key + 1).Select(k => (ConvexValue)new ConvexString(KeyName(k)));
        return Op("readRange")
            .With("first", new ConvexString(KeyName(step.Key)))
            .With("last", new ConvexString(KeyName(last)))
            .With("keys", new ConvexArray([.. keys]))
            .With("desc", ConvexBoolean.Of(random.Chance(1, 2)));
    }

    private static ConvexObject Op(string kind) => ConvexObject.Empty.With("kind", new ConvexString(kind));

    /// <summary>Rebuilds the micro-ops of the committed attempt from the function's return value.</summary>
    private void RecordResult(List<PlannedOp> plan, List<long> elements, ConvexObject result, List<MicroOp> ops)
    {
        var reads = new Queue<ConvexValue>(((ConvexArray)result["reads"]!).Items);
        for (var i = 0; i < plan.Count; i++)
        {
            var step = plan[i];
            switch (step.Kind)
            {
                case OpKind.Append:
                    ops.Add(new AppendOp(KeyName(step.Key), elements[i]));
                    break;
                case OpKind.ReadByIndex or OpKind.ReadById:
                    ops.Add(ReadOf(reads.Dequeue()));
                    break;
                case OpKind.ReadRange:
                    var last = Math.Min(options.KeyCount - 1, step.Key + step.Width);
                    for (var k = step.Key; k <= last; k++)
                    {
                        ops.Add(ReadOf(reads.Dequeue()));
                    }

                    break;
            }
        }

        Invariant.Assert(reads.Count == 0, "the function returned as many reads as the plan asked for");
        foreach (var (key, value) in ((ConvexObject)result["ids"]!).Fields)
        {
            _knownIds[key] = DocumentIdCodec.Decode(((ConvexString)value).Value);
        }

        foreach (var inserted in ((ConvexArray)result["inserted"]!).Items)
        {
            scratch.Inserted(((ConvexString)inserted).Value);
        }

        foreach (var deleted in ((ConvexArray)result["deleted"]!).Items)
        {
            scratch.Deleted(((ConvexString)deleted).Value);
        }
    }

    private static ReadOp ReadOf(ConvexValue read)
    {
        var entry = (ConvexObject)read;
        ImmutableArray<long> items = [.. ((ConvexArray)entry["items"]!).Items.Select(v => ((ConvexInt64)v).Value)];
        return new ReadOp(((ConvexString)entry["key"]!).Value, items);
    }
}
