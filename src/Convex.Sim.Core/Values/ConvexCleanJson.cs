using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Convex.Sim.Core.Values;

/// <summary>
/// The lossy "clean" export format (HTTP API <c>format: "json"</c>, convex-compat §2.2): Int64 as a
/// decimal string, NaN/±Infinity as the strings "NaN", "Infinity", "-Infinity", bytes as a bare
/// base64 string, everything else as plain JSON. Distinct values can share an encoding (1n and "1"),
/// so there is no decoder.
/// </summary>
public static class ConvexCleanJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static string Encode(ConvexValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Write(Utf8JsonWriter writer, ConvexValue value)
    {
        switch (value)
        {
            case ConvexNull:
                writer.WriteNullValue();
                break;
            case ConvexBoolean b:
                writer.WriteBooleanValue(b.Value);
                break;
            case ConvexString s:
                JsonText.WriteString(writer, s.Value);
                break;
            case ConvexInt64 i:
                writer.WriteStringValue(i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case ConvexFloat64 f:
                WriteFloat64(writer, f.Value);
                break;
            case ConvexBytes bytes:
                writer.WriteBase64StringValue(bytes.Value.Span);
                break;
            case ConvexArray array:
                writer.WriteStartArray();
                foreach (var item in array.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case ConvexObject obj:
                writer.WriteStartObject();
                foreach (var (name, field) in obj.Fields)
                {
                    writer.WritePropertyName(name);
                    Write(writer, field);
                }

                writer.WriteEndObject();
                break;
            default:
                Invariant.Unreachable("unknown value kind");
                break;
        }
    }

    private static void WriteFloat64(Utf8JsonWriter writer, double value)
    {
        if (double.IsNaN(value))
        {
            writer.WriteStringValue("NaN");
        }
        else if (double.IsInfinity(value))
        {
            writer.WriteStringValue(value > 0 ? "Infinity" : "-Infinity");
        }
        else if (value == 0 && double.IsNegative(value))
        {
            // The backend keeps the sign of zero in this format; JavaScript's formatting would drop it.
            writer.WriteRawValue("-0"u8, skipInputValidation: true);
        }
        else
        {
            JsonText.WriteNumber(writer, value);
        }
    }
}
