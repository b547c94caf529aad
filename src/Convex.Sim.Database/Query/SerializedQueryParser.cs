using System.Collections.Immutable;
using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Query;

/// <summary>
/// Reads the JSON query of §5.6. Strict like the backend's serde types: unknown source or range types,
/// wrong JSON kinds and invalid field paths or values are developer errors naming what was wrong.
/// Unknown extra properties are ignored, as serde does by default.
/// </summary>
internal static class SerializedQueryParser
{
    public static SerializedQuery Parse(JsonElement json)
    {
        RequireKind(json, JsonValueKind.Object, "the query");
        var source = ParseSource(Required(json, "source", "the query"));
        var operatorsJson = Required(json, "operators", "the query");
        RequireKind(operatorsJson, JsonValueKind.Array, "`operators`");
        var count = operatorsJson.GetArrayLength();
        if (count > SerializedQuery.OperatorsMax)
        {
            throw QueryErrors.InvalidQuery($"Query has too many operators: {count}");
        }

        var operators = ImmutableArray.CreateBuilder<QueryOperator>(count);
        foreach (var item in operatorsJson.EnumerateArray())
        {
            operators.Add(ParseOperator(item));
        }

        Invariant.Assert(operators.Count == count);
        return new SerializedQuery(source, operators.MoveToImmutable());
    }

    private static QuerySource ParseSource(JsonElement json)
    {
        RequireKind(json, JsonValueKind.Object, "`source`");
        var type = RequiredString(json, "type", "`source`");
        return type switch
        {
            "FullTableScan" => new FullTableScanSource(
                RequireName(RequiredString(json, "tableName", "a FullTableScan source"), "tableName"),
                ParseOrder(json)),
            "IndexRange" => ParseIndexRange(json),
            "Search" => ParseSearch(json),
            _ => throw QueryErrors.InvalidQuery($"unknown source type \"{type}\""),
        };
    }

    private static IndexRangeSource ParseIndexRange(JsonElement json)
    {
        var (table, index) = SplitIndexName(RequiredString(json, "indexName", "an IndexRange source"));
        var rangeJson = Required(json, "range", "an IndexRange source");
        RequireKind(rangeJson, JsonValueKind.Array, "`range`");
        var range = rangeJson.EnumerateArray().Select(ParseRangeExpression).ToImmutableArray();
        return new IndexRangeSource(table, index, range, ParseOrder(json));
    }

    private static SearchSource ParseSearch(JsonElement json)
    {
        var (table, index) = SplitIndexName(RequiredString(json, "indexName", "a Search source"));
        var filtersJson = Required(json, "filters", "a Search source");
        RequireKind(filtersJson, JsonValueKind.Array, "`filters`");
        var filters = filtersJson.EnumerateArray().Select(ParseSearchFilter).ToImmutableArray();
        return new SearchSource(table, index, filters);
    }

    private static RangeExpression ParseRangeExpression(JsonElement json)
    {
        RequireKind(json, JsonValueKind.Object, "a range expression");
        var type = RequiredString(json, "type", "a range expression");
        RangeOperator op = type switch
        {
            "Eq" => RangeOperator.Eq,
            "Gt" => RangeOperator.Gt,
            "Gte" => RangeOperator.Gte,
            "Lt" => RangeOperator.Lt,
            "Lte" => RangeOperator.Lte,
            _ => throw QueryErrors.InvalidQuery($"unknown range expression type \"{type}\""),
        };
        var field = ParseFieldPath(RequiredString(json, "fieldPath", "a range expression"));
        return new RangeExpression(op, field, ParseValue(Required(json, "value", "a range expression")));
    }

    private static SearchFilter ParseSearchFilter(JsonElement json)
    {
        RequireKind(json, JsonValueKind.Object, "a search filter");
        var type = RequiredString(json, "type", "a search filter");
        var field = ParseFieldPath(RequiredString(json, "fieldPath", "a search filter"));
        return type switch
        {
            "Search" => new SearchFilter(SearchFilterKind.Search, field,
                new ConvexString(RequiredString(json, "value", "a Search filter"))),
            "Eq" => new SearchFilter(SearchFilterKind.Eq, field, ParseValue(Required(json, "value", "an Eq filter"))),
            _ => throw QueryErrors.InvalidQuery($"unknown search filter type \"{type}\""),
        };
    }

    private static QueryOperator ParseOperator(JsonElement json)
    {
        RequireKind(json, JsonValueKind.Object, "an operator");
        var properties = json.EnumerateObject().ToList();
        if (properties.Count != 1)
        {
            throw QueryErrors.InvalidQuery("an operator must be an object with exactly one key, `filter` or `limit`");
        }

        var property = properties[0];
        return property.Name switch
        {
            "filter" => new FilterOperator(ExpressionParser.Parse(property.Value)),
            "limit" => new LimitOperator(ParseLimit(property.Value)),
            _ => throw QueryErrors.InvalidQuery($"unknown operator \"{property.Name}\""),
        };
    }

    /// <summary>A non-negative integer (the backend reads a usize). Anything above int.MaxValue can never be
    /// reached, because a transaction reads far fewer rows, so it is clamped.</summary>
    private static int ParseLimit(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Number || !json.TryGetDecimal(out var n)
            || n != decimal.Truncate(n) || n < 0)
        {
            throw QueryErrors.InvalidQuery($"`limit` must be a non-negative integer, got {json.GetRawText()}");
        }

        return n > int.MaxValue ? int.MaxValue : (int)n;
    }

    private static ScanOrder ParseOrder(JsonElement source)
    {
        if (!source.TryGetProperty("order", out var order) || order.ValueKind == JsonValueKind.Null)
        {
            return ScanOrder.Ascending;
        }

        return order.ValueKind == JsonValueKind.String ? order.GetString() switch
        {
            "asc" => ScanOrder.Ascending,
            "desc" => ScanOrder.Descending,
            _ => throw QueryErrors.InvalidQuery("expected \"asc\" or \"desc\" as `order`"),
        } : throw QueryErrors.InvalidQuery("expected \"asc\" or \"desc\" as `order`");
    }

    private static (string Table, string Index) SplitIndexName(string name)
    {
        var parts = name.Split('.');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw QueryErrors.InvalidQuery($"index name \"{name}\" must have the form \"table.index\"");
        }

        return (parts[0], parts[1]);
    }

    internal static FieldPath ParseFieldPath(string path)
    {
        try
        {
            return FieldPath.Parse(path);
        }
        catch (InvalidValueException e)
        {
            throw QueryErrors.InvalidQuery(e.Message);
        }
    }

    /// <summary>Convex JSON, where <c>{"$undefined": null}</c> means "missing" (C# null).</summary>
    internal static ConvexValue? ParseValue(JsonElement json)
    {
        try
        {
            return ConvexJson.DecodeAllowingUndefined(json);
        }
        catch (InvalidValueException e)
        {
            throw QueryErrors.InvalidQuery(e.Message);
        }
    }

    internal static JsonElement Required(JsonElement json, string name, string where) =>
        json.TryGetProperty(name, out var value)
            ? value
            : throw QueryErrors.InvalidQuery($"{where} is missing `{name}`");

    private static string RequiredString(JsonElement json, string name, string where)
    {
        var value = Required(json, name, where);
        RequireKind(value, JsonValueKind.String, $"`{name}` of {where}");
        return value.GetString()!;
    }

    private static string RequireName(string name, string what) =>
        name.Length > 0 ? name : throw QueryErrors.InvalidQuery($"`{what}` must not be empty");

    internal static void RequireKind(JsonElement json, JsonValueKind kind, string what)
    {
        if (json.ValueKind != kind)
        {
            throw QueryErrors.InvalidQuery($"{what} must be a JSON {kind.ToString().ToLowerInvariant()}, " +
                $"got {json.ValueKind.ToString().ToLowerInvariant()}");
        }
    }
}
