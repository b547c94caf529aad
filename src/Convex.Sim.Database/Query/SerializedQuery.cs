using System.Collections.Immutable;
using System.Text.Json;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Query;

/// <summary>
/// The query that <c>convex/server</c> builds and sends to <c>1.0/queryStream</c> and <c>1.0/queryPage</c>
/// (convex-compat §5.6): a source followed by at most <see cref="OperatorsMax"/> operators, applied in order.
/// </summary>
public sealed record SerializedQuery(QuerySource Source, ImmutableArray<QueryOperator> Operators)
{
    /// <summary>The official cap (the npm package enforces the same number client-side).</summary>
    public const int OperatorsMax = 256;

    /// <summary>Parses the JSON form; malformed input throws a developer error (code InvalidQuery).</summary>
    public static SerializedQuery Parse(JsonElement json) => SerializedQueryParser.Parse(json);

    public static SerializedQuery Parse(string json)
    {
        using var document = ParseDocument(json);
        return SerializedQueryParser.Parse(document.RootElement);
    }

    private static JsonDocument ParseDocument(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw QueryErrors.InvalidQuery($"the query is not valid JSON ({e.Message})");
        }
    }
}

/// <summary>Where the rows of a query come from.</summary>
public abstract record QuerySource
{
    private protected QuerySource() { }

    /// <summary>The table the source reads.</summary>
    public abstract string TableName { get; }
}

/// <summary>The whole table in <c>_creationTime</c> order (the <c>by_creation_time</c> index).</summary>
public sealed record FullTableScanSource(string Table, ScanOrder Order) : QuerySource
{
    public override string TableName => Table;
}

/// <summary>A range of <c>table.index</c>; <see cref="Range"/> is as the client sent it, compiled later
/// against the index's fields by <see cref="IndexRangeCompiler"/>.</summary>
public sealed record IndexRangeSource(
    string Table, string Index, ImmutableArray<RangeExpression> Range, ScanOrder Order) : QuerySource
{
    public override string TableName => Table;
}

/// <summary>A full-text search (parsed so that queries round-trip; executing one is not supported yet).</summary>
public sealed record SearchSource(string Table, string Index, ImmutableArray<SearchFilter> Filters) : QuerySource
{
    public override string TableName => Table;
}

public enum RangeOperator
{
    Eq = 1,
    Gt = 2,
    Gte = 3,
    Lt = 4,
    Lte = 5,
}

/// <summary>One <c>q.eq/gt/gte/lt/lte(field, value)</c> of <c>withIndex</c>; a null value means "missing"
/// (<c>undefined</c>).</summary>
public sealed record RangeExpression(RangeOperator Operator, FieldPath Field, ConvexValue? Value);

public enum SearchFilterKind
{
    /// <summary>The free-text term on the index's search field (exactly one per query).</summary>
    Search = 1,

    /// <summary>Equality on a filter field.</summary>
    Eq = 2,
}

/// <summary>A filter of a search query; <see cref="Value"/> is a string for
/// <see cref="SearchFilterKind.Search"/>.</summary>
public sealed record SearchFilter(SearchFilterKind Kind, FieldPath Field, ConvexValue? Value);

/// <summary>A stage applied to the rows of the source, in order.</summary>
public abstract record QueryOperator
{
    private protected QueryOperator() { }
}

/// <summary>Keeps the rows for which <see cref="Predicate"/> is true (it must evaluate to a boolean).</summary>
public sealed record FilterOperator(Expression Predicate) : QueryOperator;

/// <summary>Passes on at most <see cref="Count"/> rows, then ends the query.</summary>
public sealed record LimitOperator(int Count) : QueryOperator;
