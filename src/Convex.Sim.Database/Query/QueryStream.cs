using System.Collections.Immutable;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Transactions;

namespace Convex.Sim.Database.Query;

/// <summary>
/// A running query over a transaction (the iterator behind <c>1.0/queryStream</c>/<c>queryStreamNext</c>):
/// the index scan, then the operators in the order given. Every scanned row counts as read and enters the
/// read set, including rows a filter drops. A limit counts the rows that reach it, so
/// <c>filter(f).limit(n)</c> returns n matching rows and <c>limit(n).filter(f)</c> looks at only n rows.
/// Once any limit is used up the stream ends without scanning further.
/// </summary>
public sealed class QueryStream
{
    private readonly IndexScan _scan;
    private readonly ImmutableArray<QueryOperator> _operators;
    private readonly int[] _passed;

    private QueryStream(Transaction transaction, CompiledQuery query, ScanBounds bounds)
    {
        Query = query;
        _scan = new IndexScan(transaction, query, bounds);
        _operators = query.Query.Operators;
        _passed = new int[_operators.Length];
        Invariant.Assert(_operators.Length <= SerializedQuery.OperatorsMax);
    }

    public CompiledQuery Query { get; }

    /// <summary>Rows scanned so far (before filtering).</summary>
    public int RowsRead => _scan.RowsRead;

    /// <summary>Compiles <paramref name="query"/> against the transaction's catalog (index and range errors are
    /// thrown here) and opens it for reading from the start.</summary>
    public static QueryStream Open(Transaction transaction, SerializedQuery query) =>
        new(transaction, CompiledQuery.Compile(query, transaction.Catalog), ScanBounds.None with
        {
            ExpectedRows = ExpectedRows(query, int.MaxValue),
        });

    internal static QueryStream Open(Transaction transaction, CompiledQuery query, ScanBounds bounds) =>
        new(transaction, query, bounds);

    internal IndexScan Scan => _scan;

    /// <summary>The next document, or null when the query is done.</summary>
    public async ValueTask<ConvexObject?> NextAsync(CancellationToken cancellationToken)
    {
        if (LimitReached(_operators.Length))
        {
            return null;
        }

        while (await _scan.NextAsync(cancellationToken) is { } row)
        {
            var rejectedAt = Apply(row.Document);
            if (rejectedAt < 0)
            {
                return row.Document;
            }

            // A filter dropped the row: the next row is pulled through the operators below it again,
            // and a limit among those may now be used up.
            if (LimitReached(rejectedAt))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// How many rows the scan is expected to produce, to size its first page: with no filter, the smallest
    /// limit (or the caller's hint); with a filter, unknown.
    /// </summary>
    internal static int ExpectedRows(SerializedQuery query, int hint)
    {
        var expected = hint;
        foreach (var op in query.Operators)
        {
            switch (op)
            {
                case FilterOperator:
                    return int.MaxValue;
                case LimitOperator limit:
                    expected = Math.Min(expected, limit.Count);
                    break;
                default:
                    Invariant.Unreachable("unknown operator");
                    break;
            }
        }

        return expected;
    }

    /// <summary>Runs the row through the operators; the index of the filter that dropped it, or -1.</summary>
    private int Apply(ConvexObject document)
    {
        for (var i = 0; i < _operators.Length; i++)
        {
            switch (_operators[i])
            {
                case LimitOperator limit:
                    // LimitReached was false for this limit before the row was pulled.
                    Invariant.Assert(_passed[i] < limit.Count);
                    _passed[i]++;
                    break;
                case FilterOperator filter:
                    if (!ExpressionEvaluator.Matches(filter.Predicate, document))
                    {
                        return i;
                    }

                    break;
                default:
                    Invariant.Unreachable("unknown operator");
                    break;
            }
        }

        return -1;
    }

    /// <summary>Whether a limit among the first <paramref name="count"/> operators has passed all its rows.</summary>
    private bool LimitReached(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (_operators[i] is LimitOperator limit && _passed[i] >= limit.Count)
            {
                return true;
            }
        }

        return false;
    }
}
