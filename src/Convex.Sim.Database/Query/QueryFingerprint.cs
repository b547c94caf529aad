using System.Buffers;
using System.Collections.Immutable;
using System.IO.Hashing;
using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Query;

/// <summary>
/// A 64-bit fingerprint of a query that cursors carry (convex-compat §7.6): XxHash64 of a canonical JSON
/// form of the parsed query (source and operators) plus the indexed fields. The backend also hashes the
/// indexed fields, because the same range over a redefined index means different positions. A canonical
/// form (not the raw text) makes a null order equal "asc", as in the backend. XxHash64 is the same in
/// every process, so cursors survive restarts.
/// </summary>
public static class QueryFingerprint
{
    public static ulong Of(SerializedQuery query, ImmutableArray<FieldPath> indexedFields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("query");
            WriteQuery(writer, query);
            writer.WriteStartArray("indexedFields");
            foreach (var field in indexedFields)
            {
                writer.WriteStringValue(field.ToString());
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        Invariant.Assert(buffer.WrittenCount > 0);
        return XxHash64.HashToUInt64(buffer.WrittenSpan);
    }

    private static void WriteQuery(Utf8JsonWriter writer, SerializedQuery query)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("source");
        WriteSource(writer, query.Source);
        writer.WriteStartArray("operators");
        foreach (var op in query.Operators)
        {
            writer.WriteStartObject();
            switch (op)
            {
                case FilterOperator filter:
                    writer.WritePropertyName("filter");
                    WriteExpression(writer, filter.Predicate);
                    break;
                case LimitOperator limit:
                    writer.WriteNumber("limit", limit.Count);
                    break;
                default:
                    Invariant.Unreachable("unknown operator");
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteSource(Utf8JsonWriter writer, QuerySource source)
    {
        writer.WriteStartObject();
        switch (source)
        {
            case FullTableScanSource scan:
                writer.WriteString("type", "FullTableScan");
                writer.WriteString("tableName", scan.Table);
                writer.WriteString("order", Order(scan.Order));
                break;
            case IndexRangeSource range:
                writer.WriteString("type", "IndexRange");
                writer.WriteString("indexName", $"{range.Table}.{range.Index}");
                writer.WriteStartArray("range");
                foreach (var e in range.Range)
                {
                    WriteFieldCondition(writer, e.Operator.ToString(), e.Field, e.Value);
                }

                writer.WriteEndArray();
                writer.WriteString("order", Order(range.Order));
                break;
            case SearchSource search:
                writer.WriteString("type", "Search");
                writer.WriteString("indexName", $"{search.Table}.{search.Index}");
                writer.WriteStartArray("filters");
                foreach (var f in search.Filters)
                {
                    WriteFieldCondition(writer, f.Kind.ToString(), f.Field, f.Value);
                }

                writer.WriteEndArray();
                break;
            default:
                Invariant.Unreachable("unknown source");
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteFieldCondition(Utf8JsonWriter writer, string type, FieldPath field, ConvexValue? value)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WriteString("fieldPath", field.ToString());
        writer.WritePropertyName("value");
        WriteValue(writer, value);
        writer.WriteEndObject();
    }

    private static void WriteExpression(Utf8JsonWriter writer, Expression expression)
    {
        writer.WriteStartObject();
        switch (expression)
        {
            case FieldExpression field:
                writer.WriteString("$field", field.Path.ToString());
                break;
            case LiteralExpression literal:
                writer.WritePropertyName("$literal");
                WriteValue(writer, literal.Value);
                break;
            case ComparisonExpression c:
                WriteOperands(writer, "$" + c.Operator.ToString().ToLowerInvariant(), [c.Left, c.Right]);
                break;
            case ArithmeticExpression a:
                WriteOperands(writer, "$" + a.Operator.ToString().ToLowerInvariant(), [a.Left, a.Right]);
                break;
            case NegateExpression n:
                writer.WritePropertyName("$neg");
                WriteExpression(writer, n.Operand);
                break;
            case NotExpression n:
                writer.WritePropertyName("$not");
                WriteExpression(writer, n.Operand);
                break;
            case AndExpression and:
                WriteOperands(writer, "$and", and.Operands);
                break;
            case OrExpression or:
                WriteOperands(writer, "$or", or.Operands);
                break;
            default:
                Invariant.Unreachable("unknown expression");
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteOperands(Utf8JsonWriter writer, string name, ImmutableArray<Expression> operands)
    {
        writer.WriteStartArray(name);
        foreach (var operand in operands)
        {
            WriteExpression(writer, operand);
        }

        writer.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, ConvexValue? value)
    {
        if (value is null)
        {
            writer.WriteStartObject();
            writer.WriteNull("$undefined");
            writer.WriteEndObject();
            return;
        }

        ConvexJson.Write(writer, value);
    }

    private static string Order(ScanOrder order) => order switch
    {
        ScanOrder.Ascending => "asc",
        ScanOrder.Descending => "desc",
    };
}
