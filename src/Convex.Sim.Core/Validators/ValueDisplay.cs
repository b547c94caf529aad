using System.Globalization;
using System.Text;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// The text forms that the official backend puts into validation messages, so ours read the same:
/// values as its <c>Display</c> prints them (<c>{a: 1.0, b: "x"}</c>: floats always with a fraction or
/// an exponent, int64s as bare integers, strings quoted with escapes, bytes as <c>b"base64"</c>) and
/// validators as <c>v.*</c> expressions. String escaping follows the Rust rules for ASCII control
/// characters; other non-printable Unicode is approximated by the general category.
/// </summary>
internal static class ValueDisplay
{
    public static string Value(ConvexValue value)
    {
        var text = new StringBuilder();
        AppendValue(text, value);
        return text.ToString();
    }

    public static string Validator(Validator validator)
    {
        var text = new StringBuilder();
        AppendValidator(text, validator);
        return text.ToString();
    }

    public static void AppendValue(StringBuilder text, ConvexValue value)
    {
        switch (value)
        {
            case ConvexNull:
                text.Append("null");
                break;
            case ConvexInt64 i:
                text.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case ConvexFloat64 f:
                text.Append(RustFloat.Debug(f.Value));
                break;
            case ConvexBoolean b:
                text.Append(b.Value ? "true" : "false");
                break;
            case ConvexString s:
                AppendDebugString(text, s.Value);
                break;
            case ConvexBytes bytes:
                text.Append("b\"").Append(Convert.ToBase64String(bytes.Value.Span)).Append('"');
                break;
            case ConvexArray array:
                text.Append('[');
                for (var i = 0; i < array.Items.Length; i++)
                {
                    AppendValue(text.Append(i == 0 ? "" : ", "), array.Items[i]);
                }

                text.Append(']');
                break;
            case ConvexObject obj:
                AppendObject(text, obj);
                break;
            default:
                Invariant.Unreachable("every value class is handled above");
                break;
        }
    }

    public static void AppendValidator(StringBuilder text, Validator validator)
    {
        switch (validator)
        {
            case ScalarValidator scalar:
                text.Append(ScalarName(scalar.Kind));
                break;
            case LiteralValidator literal:
                text.Append("v.literal(").Append(Literal(literal.Value)).Append(')');
                break;
            case IdValidator id:
                text.Append("v.id(\"").Append(id.TableName).Append("\")");
                break;
            case ArrayValidator array:
                AppendValidator(text.Append("v.array("), array.Element);
                text.Append(')');
                break;
            case RecordValidator record:
                AppendValidator(text.Append("v.record("), record.Keys);
                AppendValidator(text.Append(", "), record.Values);
                text.Append(')');
                break;
            case ObjectValidator obj:
                AppendObjectValidator(text, obj);
                break;
            case UnionValidator union:
                text.Append("v.union(");
                for (var i = 0; i < union.Members.Length; i++)
                {
                    AppendValidator(text.Append(i == 0 ? "" : ", "), union.Members[i]);
                }

                text.Append(')');
                break;
            default:
                Invariant.Unreachable("every validator class is handled above");
                break;
        }
    }

    /// <summary>
    /// A literal as the backend shows it inside <c>v.literal(...)</c>: JSON for what JSON can spell,
    /// <c>&lt;bigint&gt;</c> for int64s and <c>&lt;number&gt;</c> for NaN and the infinities.
    /// </summary>
    public static string Literal(ConvexValue value) => value switch
    {
        ConvexFloat64 f => double.IsFinite(f.Value) ? RustFloat.Json(f.Value) : "<number>",
        ConvexInt64 => "<bigint>",
        ConvexBoolean b => b.Value ? "true" : "false",
        ConvexString s => JsonString(s.Value),
        _ => Invariant.Unreachable<string>("literals are floats, int64s, booleans or strings"),
    };

    private static void AppendObject(StringBuilder text, ConvexObject obj)
    {
        text.Append('{');
        var first = true;
        foreach (var (name, field) in obj.Fields)
        {
            text.Append(first ? "" : ", ").Append(name).Append(": ");
            AppendValue(text, field);
            first = false;
        }

        text.Append('}');
    }

    private static void AppendObjectValidator(StringBuilder text, ObjectValidator obj)
    {
        text.Append("v.object({");
        var first = true;
        foreach (var (name, field) in obj.Fields)
        {
            text.Append(first ? "" : ", ").Append(name).Append(": ");
            if (field.IsOptional)
            {
                AppendValidator(text.Append("v.optional("), field.Validator);
                text.Append(')');
            }
            else
            {
                AppendValidator(text, field.Validator);
            }

            first = false;
        }

        text.Append("})");
    }

    private static string ScalarName(ValidatorKind kind) => kind switch
    {
        ValidatorKind.Null => "v.null()",
        ValidatorKind.Float64 => "v.float64()",
        ValidatorKind.Int64 => "v.int64()",
        ValidatorKind.CommitTs => "v.commitTs()",
        ValidatorKind.Boolean => "v.boolean()",
        ValidatorKind.String => "v.string()",
        ValidatorKind.Bytes => "v.bytes()",
        ValidatorKind.Any => "v.any()",
        ValidatorKind.Literal or ValidatorKind.Id or ValidatorKind.Array or ValidatorKind.Record
            or ValidatorKind.Object or ValidatorKind.Union => Invariant.Unreachable<string>("not a scalar kind"),
    };

    /// <summary>Rust's <c>{:?}</c> of a string: quoted; \0 \t \r \n \\ \" escaped; non-printables as \u{hex}.</summary>
    private static void AppendDebugString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            _ = rune.Value switch
            {
                0 => text.Append("\\0"),
                '\t' => text.Append("\\t"),
                '\r' => text.Append("\\r"),
                '\n' => text.Append("\\n"),
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                _ when IsPrintable(rune) => text.Append(rune.ToString()),
                _ => text.Append("\\u{").Append(rune.Value.ToString("x", CultureInfo.InvariantCulture)).Append('}'),
            };
        }

        text.Append('"');
    }

    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.Surrogate => false,
        _ => true,
    };

    /// <summary>A JSON string as serde_json writes it: \" \\ \b \f \n \r \t, other controls as \u00xx.</summary>
    private static string JsonString(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                '\b' => text.Append("\\b"),
                '\f' => text.Append("\\f"),
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                < ' ' => text.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }
}
