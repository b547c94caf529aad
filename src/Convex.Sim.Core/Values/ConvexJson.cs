using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Convex.Sim.Core.Values;

/// <summary>
/// The invertible "Convex JSON" encoding of the official client (convex-compat §2.2): Int64 as
/// <c>{"$integer": base64(8 bytes LE)}</c>, NaN/±Infinity/-0 as <c>{"$float": base64(8 bytes LE)}</c>,
/// bytes as <c>{"$bytes": base64}</c>, every plain JSON number is a Float64, object keys sorted.
/// Output is byte-identical to the client's <c>JSON.stringify(convexToJson(v))</c>. Decoding is
/// strict (<see cref="ConvexJsonDecoder"/>): whatever the official backend rejects throws
/// <see cref="InvalidValueException"/> naming the path of the offending value.
/// </summary>
public static class ConvexJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Only field names go through the writer's encoder; they are printable ASCII, which the
        // relaxed encoder leaves alone except for '"' and '\', exactly like JSON.stringify.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        // Deeper than any valid value (nesting 64, plus one level for a $-object), so that too-deep
        // input fails with the backend's "too nested" message from the decoder, not a parser error.
        MaxDepth = ValueLimits.DepthMax * 4,
    };

    public static string Encode(ConvexValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteTo(buffer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static byte[] EncodeToUtf8(ConvexValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteTo(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the encoded form of <paramref name="value"/> as one JSON value.</summary>
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
                WriteInt64(writer, i.Value);
                break;
            case ConvexFloat64 f:
                WriteFloat64(writer, f.Value);
                break;
            case ConvexBytes bytes:
                writer.WriteStartObject();
                writer.WriteBase64String("$bytes", bytes.Value.Span);
                writer.WriteEndObject();
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

    /// <summary>The encoded form as a JSON node (C# null for the Convex null, as System.Text.Json models it).</summary>
    public static JsonNode? ToJsonNode(ConvexValue value) => JsonNode.Parse(EncodeToUtf8(value));

    public static ConvexValue Decode(string json) => Decode(Encoding.UTF8.GetBytes(json));

    public static ConvexValue Decode(ReadOnlySpan<byte> utf8Json)
    {
        using var document = Parse(utf8Json);
        return Decode(document.RootElement);
    }

    public static ConvexValue Decode(JsonElement element) =>
        ConvexJsonDecoder.Decode(element, allowUndefined: false)
        ?? Invariant.Unreachable<ConvexValue>("undefined is only decoded when allowed");

    /// <summary>
    /// Like <see cref="Decode(JsonElement)"/>, but a top-level <c>{"$undefined": null}</c> decodes to C#
    /// null ("missing"), as filter literals, index range bounds and patch field values allow (§2.4).
    /// </summary>
    public static ConvexValue? DecodeAllowingUndefined(JsonElement element) =>
        ConvexJsonDecoder.Decode(element, allowUndefined: true);

    public static ConvexValue? DecodeAllowingUndefined(string json)
    {
        using var document = Parse(Encoding.UTF8.GetBytes(json));
        return DecodeAllowingUndefined(document.RootElement);
    }

    /// <summary>True when the string has no unpaired surrogate (so it has a UTF-8 encoding).</summary>
    public static bool IsWellFormed(string value)
    {
        var i = value.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return true;
        }

        for (; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Floats that a plain JSON number cannot carry: NaN, ±Infinity and -0.</summary>
    internal static bool NeedsFloatTag(double value) =>
        !double.IsFinite(value) || (value == 0 && double.IsNegative(value));

    private static void WriteTo(IBufferWriter<byte> buffer, ConvexValue value)
    {
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        Write(writer, value);
    }

    private static void WriteInt64(Utf8JsonWriter writer, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        writer.WriteStartObject();
        writer.WriteBase64String("$integer", bytes);
        writer.WriteEndObject();
    }

    private static void WriteFloat64(Utf8JsonWriter writer, double value)
    {
        if (!NeedsFloatTag(value))
        {
            JsonText.WriteNumber(writer, value);
            return;
        }

        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        writer.WriteStartObject();
        writer.WriteBase64String("$float", bytes);
        writer.WriteEndObject();
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument? document = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
            document = JsonDocument.ParseValue(ref reader);

            // ParseValue stops after one value; reading on makes the reader reject trailing text.
            Invariant.Assert(!reader.Read());
            return document;
        }
        catch (JsonException e)
        {
            document?.Dispose();
            throw new InvalidValueException($"Invalid JSON: {e.Message}");
        }
    }
}
