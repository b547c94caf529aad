using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Convex.Sim.Core.Values;

/// <summary>
/// The invertible "Convex JSON" encoding of the official client (convex-compat §2.2): Int64 as
/// <c>{"$integer": base64(8 bytes LE)}</c>, NaN/±Infinity/-0 as <c>{"$float": base64(8 bytes LE)}</c>,
/// bytes as <c>{"$bytes": base64}</c>, every plain JSON number is a Float64, object keys sorted.
/// Decoding is strict: anything the official backend rejects throws <see cref="InvalidValueException"/>
/// naming the path of the offending value.
/// </summary>
public static class ConvexJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static string Encode(ConvexValue value) => Encoding.UTF8.GetString(EncodeToUtf8(value));

    public static byte[] EncodeToUtf8(ConvexValue value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, value);
        }

        return buffer.WrittenSpan.ToArray();
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
                writer.WriteStringValue(s.Value);
                break;
            case ConvexInt64 i:
                WriteTagged(writer, "$integer", LittleEndian(i.Value));
                break;
            case ConvexFloat64 f:
                WriteFloat(writer, f.Value);
                break;
            case ConvexBytes bytes:
                WriteTagged(writer, "$bytes", bytes.Value.Span);
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

    public static JsonNode? ToJsonNode(ConvexValue value) => JsonNode.Parse(EncodeToUtf8(value));

    public static ConvexValue Decode(string json) => Decode(Encoding.UTF8.GetBytes(json));

    public static ConvexValue Decode(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = ValueLimits.DepthMax + 8 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new InvalidValueException($"Invalid JSON: {e.Message}");
        }

        using (document)
        {
            return Decode(document.RootElement);
        }
    }

    public static ConvexValue Decode(JsonElement element) =>
        DecodeAt(element, "", allowUndefined: false) ?? Invariant.Unreachable<ConvexValue>();

    /// <summary>Like <see cref="Decode(JsonElement)"/>, but <c>{"$undefined": null}</c> at the top level
    /// decodes to C# null ("missing"), as filter literals, index bounds and patch values allow.</summary>
    public static ConvexValue? DecodeAllowingUndefined(JsonElement element) => DecodeAt(element, "", allowUndefined: true);

    private static ConvexValue? DecodeAt(JsonElement element, string path, bool allowUndefined)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return ConvexNull.Instance;
            case JsonValueKind.True:
                return ConvexBoolean.True;
            case JsonValueKind.False:
                return ConvexBoolean.False;
            case JsonValueKind.Number:
                return new ConvexFloat64(element.GetDouble());
            case JsonValueKind.String:
                return new ConvexString(CheckedString(element, path));
            case JsonValueKind.Array:
                var items = ImmutableArray.CreateBuilder<ConvexValue>(element.GetArrayLength());
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    items.Add(DecodeAt(item, $"{path}[{index++}]", allowUndefined: false)!);
                }

                return new ConvexArray(items.MoveToImmutable());
            case JsonValueKind.Object:
                return DecodeObject(element, path, allowUndefined);
            default:
                throw new InvalidValueException($"Unsupported JSON value at {Where(path)}");
        }
    }

    private static ConvexValue? DecodeObject(JsonElement element, string path, bool allowUndefined)
    {
        using var properties = element.EnumerateObject();
        var first = properties.MoveNext() ? properties.Current : default;
        var single = first.Value.ValueKind != JsonValueKind.Undefined && !properties.MoveNext();
        if (single && first.Name.StartsWith('$'))
        {
            return DecodeSpecial(first, path, allowUndefined);
        }

        var fields = ImmutableSortedDictionary.CreateBuilder<string, ConvexValue>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var fieldPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
            ValueLimits.ValidateFieldName(property.Name, fieldPath);
            if (!fields.TryAdd(property.Name, DecodeAt(property.Value, fieldPath, allowUndefined: false)!))
            {
                throw new InvalidValueException($"Duplicate field name {property.Name} at {Where(path)}");
            }
        }

        return new ConvexObject(fields.ToImmutable());
    }

    private static ConvexValue? DecodeSpecial(JsonProperty property, string path, bool allowUndefined)
    {
        switch (property.Name)
        {
            case "$integer":
                return new ConvexInt64(BinaryPrimitives.ReadInt64LittleEndian(Base64Of(property, path, 8)));
            case "$float":
                var value = BinaryPrimitives.ReadDoubleLittleEndian(Base64Of(property, path, 8));
                if (double.IsFinite(value) && !(value == 0 && double.IsNegative(value)))
                {
                    throw new InvalidValueException(
                        $"Float64 {value.ToString("R", CultureInfo.InvariantCulture)} should be encoded as a " +
                        $"number, not as $float, at {Where(path)}");
                }

                return new ConvexFloat64(value);
            case "$bytes":
                return new ConvexBytes(Base64Of(property, path, expectedLength: null));
            case "$undefined" when allowUndefined && property.Value.ValueKind == JsonValueKind.Null:
                return null;
            default:
                throw new InvalidValueException(
                    $"Field name {property.Name} at {Where(path)} starts with a '$', which is reserved.");
        }
    }

    private static byte[] Base64Of(JsonProperty property, string path, int? expectedLength)
    {
        if (property.Value.ValueKind != JsonValueKind.String)
        {
            throw new InvalidValueException($"{property.Name} at {Where(path)} must be a base64 string");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(property.Value.GetString()!);
        }
        catch (FormatException)
        {
            throw new InvalidValueException($"{property.Name} at {Where(path)} is not valid base64");
        }

        if (expectedLength is { } n && bytes.Length != n)
        {
            throw new InvalidValueException(
                $"{property.Name} at {Where(path)} must hold exactly {n} bytes, found {bytes.Length}");
        }

        return bytes;
    }

    private static string CheckedString(JsonElement element, string path)
    {
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new InvalidValueException($"String at {Where(path)} is not valid Unicode (lone surrogate)");
        }

        if (!IsWellFormed(value))
        {
            throw new InvalidValueException($"String at {Where(path)} is not valid Unicode (lone surrogate)");
        }

        return value;
    }

    /// <summary>True when the string has no unpaired surrogate (it can be encoded as UTF-8).</summary>
    public static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
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

    private static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value) && !(value == 0 && double.IsNegative(value)))
        {
            writer.WriteNumberValue(value);
            return;
        }

        WriteTagged(writer, "$float", LittleEndian(value));
    }

    private static void WriteTagged(Utf8JsonWriter writer, string tag, ReadOnlySpan<byte> bytes)
    {
        writer.WriteStartObject();
        writer.WriteString(tag, Convert.ToBase64String(bytes));
        writer.WriteEndObject();
    }

    private static byte[] LittleEndian(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] LittleEndian(double value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        return bytes;
    }

    internal static string Where(string path) => path.Length == 0 ? "the top level" : $"path `{path}`";
}
