using System.Globalization;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;

namespace Convex.Sim.Database.Query;

/// <summary>
/// The developer errors of the query layer. Codes and wording follow the official backend where one
/// exists (index ranges, evaluation, cursors, page sizes), because developers search for these
/// messages; the rest are ours and only need to be clear.
/// </summary>
public static class QueryErrors
{
    public const string InvalidQueryCode = "InvalidQuery";
    public const string EvalErrorCode = "EvalError";
    public const string InvalidCursorCode = "InvalidCursor";
    public const string FieldNotInIndexCode = "FieldNotInIndex";
    public const string InvalidIndexRangeCode = "InvalidIndexRange";
    public const string BoundsOnMultipleFieldsCode = "BoundsOnMultipleFields";
    public const string AlreadyDefinedBoundCode = "AlreadyDefinedBound";
    public const string IndexNotFoundCode = "IndexNotFoundError";
    public const string UnsupportedCode = "QueryNotSupported";

    private const string IndexDocs = "https://docs.convex.dev/using/indexes";

    public static DatabaseUsageException InvalidQuery(string detail) =>
        new(InvalidQueryCode, $"Invalid query: {detail}");

    public static DatabaseUsageException Unsupported(string message) => new(UnsupportedCode, message);

    public static DatabaseUsageException IndexNotFound(string table, string index) =>
        new(IndexNotFoundCode, $"Index {table}.{index} not found.");

    public static DatabaseUsageException Eval(string message) => new(EvalErrorCode, message);

    /// <summary>The official text: React's usePaginatedQuery resets its pages on this prefix.</summary>
    public static DatabaseUsageException InvalidCursor(string detail) =>
        new(InvalidCursorCode, $"InvalidCursor: {detail}");

    public static DatabaseUsageException CursorFromOtherQuery() => InvalidCursor(
        "Tried to run a query starting from a cursor, but it looks like this cursor is from a different query.");

    public static DatabaseUsageException FieldNotInIndex(
        string indexName, FieldPath field, IReadOnlyList<FieldPath> fields) =>
        new(FieldNotInIndexCode,
            $"The index range included a comparison with {Quote(field)}, but {indexName} with fields " +
            $"{List(fields)} doesn't index this field. For more information see {IndexDocs}.");

    public static DatabaseUsageException InvalidIndexRange(
        string indexName, IReadOnlyList<FieldPath> fields, IReadOnlyList<FieldPath> queried, FieldPath first) =>
        new(InvalidIndexRangeCode,
            $"Tried to query index {indexName} but the query didn't use the index fields in order.\n" +
            $"Index fields: {List(fields)}\nQuery fields: {List(queried)}\nFirst incorrect field: {Quote(first)}\n" +
            $"For more information see {IndexDocs}.");

    public static DatabaseUsageException BoundsOnMultipleFields(string indexName, FieldPath first, FieldPath second) =>
        new(BoundsOnMultipleFieldsCode,
            "Upper and lower bounds in `range` can only be applied to a single index field. This query against " +
            $"index {indexName} attempted to set a range bound on both {Quote(first)} and {Quote(second)}. " +
            $"Consider using `filter` instead. See {IndexDocs} for more info.");

    /// <param name="boundKind">"equality", "lower", "upper" or "inequality", as the backend names them.</param>
    public static DatabaseUsageException AlreadyDefinedBound(
        string boundKind, FieldPath field, string comparator, ConvexValue? value) =>
        new(AlreadyDefinedBoundCode,
            $"Already defined {boundKind} bound in index range. " +
            $"Can't add {Quote(field)} {comparator} {Display(value)}.");

    /// <summary>A value as the backend's messages print it: strings quoted, floats with a decimal point.</summary>
    public static string Display(ConvexValue? value) => value switch
    {
        null => "undefined",
        ConvexNull => "null",
        ConvexInt64 i => i.Value.ToString(CultureInfo.InvariantCulture),
        ConvexFloat64 f => DisplayFloat(f.Value),
        ConvexBoolean b => b.Value ? "true" : "false",
        _ => ConvexJson.Encode(value),
    };

    /// <summary>The type name used in evaluation errors.</summary>
    public static string TypeName(ConvexValue? value) => value is null ? "undefined" : value.Kind switch
    {
        ConvexValueKind.Null => "Null",
        ConvexValueKind.Int64 => "Int64",
        ConvexValueKind.Float64 => "Float64",
        ConvexValueKind.Boolean => "Boolean",
        ConvexValueKind.String => "String",
        ConvexValueKind.Bytes => "Bytes",
        ConvexValueKind.Array => "Array",
        ConvexValueKind.Object => "Object",
    };

    private static string DisplayFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        // Integral floats keep a ".0" so they read differently from Int64 values in messages.
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    private static string Quote(FieldPath field) => $"\"{field}\"";

    private static string List(IReadOnlyList<FieldPath> fields) => "[" + string.Join(", ", fields.Select(Quote)) + "]";
}
