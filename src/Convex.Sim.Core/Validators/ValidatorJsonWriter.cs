using System.Text.Json;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// Writes validator JSON with the keys convex-js emits (<c>type</c> first, then its parameters), so
/// that <see cref="ValidatorJsonReader"/> reads back an equal validator. Object fields come out in
/// ordinal order; literals in Convex JSON (<c>{"$integer": ...}</c> for bigints).
/// </summary>
internal static class ValidatorJsonWriter
{
    public static void Write(Utf8JsonWriter writer, Validator validator)
    {
        writer.WriteStartObject();
        writer.WriteString("type", TypeName(validator.Kind));
        switch (validator)
        {
            case ScalarValidator:
                break;
            case LiteralValidator literal:
                writer.WritePropertyName("value");
                ConvexJson.Write(writer, literal.Value);
                break;
            case IdValidator id:
                writer.WriteString("tableName", id.TableName);
                break;
            case ArrayValidator array:
                writer.WritePropertyName("value");
                Write(writer, array.Element);
                break;
            case RecordValidator record:
                writer.WritePropertyName("keys");
                Write(writer, record.Keys);
                writer.WritePropertyName("values");
                WriteField(writer, FieldValidator.Required(record.Values));
                break;
            case ObjectValidator obj:
                writer.WriteStartObject("value");
                foreach (var (name, field) in obj.Fields)
                {
                    writer.WritePropertyName(name);
                    WriteField(writer, field);
                }

                writer.WriteEndObject();
                break;
            case UnionValidator union:
                writer.WriteStartArray("value");
                foreach (var member in union.Members)
                {
                    Write(writer, member);
                }

                writer.WriteEndArray();
                break;
            default:
                Invariant.Unreachable("every validator class is handled above");
                break;
        }

        writer.WriteEndObject();
    }

    /// <summary>The JSON <c>type</c>: float64 and int64 keep the server's historical names.</summary>
    internal static string TypeName(ValidatorKind kind) => kind switch
    {
        ValidatorKind.Null => "null",
        ValidatorKind.Float64 => "number",
        ValidatorKind.Int64 => "bigint",
        ValidatorKind.CommitTs => "commitTs",
        ValidatorKind.Boolean => "boolean",
        ValidatorKind.String => "string",
        ValidatorKind.Bytes => "bytes",
        ValidatorKind.Any => "any",
        ValidatorKind.Literal => "literal",
        ValidatorKind.Id => "id",
        ValidatorKind.Array => "array",
        ValidatorKind.Record => "record",
        ValidatorKind.Object => "object",
        ValidatorKind.Union => "union",
    };

    private static void WriteField(Utf8JsonWriter writer, FieldValidator field)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("fieldType");
        Write(writer, field.Validator);
        writer.WriteBoolean("optional", field.IsOptional);
        writer.WriteEndObject();
    }
}
