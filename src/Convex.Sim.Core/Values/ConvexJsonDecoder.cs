using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Convex.Sim.Core.Values;

/// <summary>
/// Strict decoding of Convex JSON (convex-compat §2.2), rejecting what the official backend rejects:
/// <c>$integer</c>/<c>$float</c> not holding exactly 8 base64 bytes, a <c>$float</c> holding an
/// ordinary number, other <c>$</c>-keys, invalid field names, lone surrogates, numbers outside the
/// double range, duplicate keys, and values over the shape and size limits (§2.6). One decoder
/// instance per call carries the current path for error messages.
/// </summary>
internal sealed class ConvexJsonDecoder
{
    private readonly ValuePath _path = new();

    public static ConvexValue? Decode(JsonElement element, bool allowUndefined)
    {
        var decoder = new ConvexJsonDecoder();
        if (allowUndefined && IsUndefined(element))
        {
            return null;
        }

        var value = decoder.DecodeValue(element, depth: 1);
        Invariant.Assert(decoder._path.Count == 0);
        ValueLimits.CheckSize(ValueSize.Of(value), ValueLimits.ValueSizeMax);
        return value;
    }

    private static bool IsUndefined(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || element.GetPropertyCount() != 1)
        {
            return false;
        }

        using var properties = element.EnumerateObject();
        properties.MoveNext();
        return properties.Current.NameEquals("$undefined") && properties.Current.Value.ValueKind == JsonValueKind.Null;
    }

    /// <summary><paramref name="depth"/> is the nesting level a container found here would have.</summary>
    private ConvexValue DecodeValue(JsonElement element, int depth)
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
                return DecodeNumber(element);
            case JsonValueKind.String:
                return new ConvexString(DecodeString(element));
            case JsonValueKind.Array:
                return DecodeArray(element, depth);
            case JsonValueKind.Object:
                return DecodeObject(element, depth);
            case JsonValueKind.Undefined:
            default:
                throw Error($"Unsupported JSON value at {_path.Describe()}.");
        }
    }

    private ConvexFloat64 DecodeNumber(JsonElement element)
    {
        // Every plain JSON number is a Float64 (even "1"); the backend refuses ones beyond double range.
        if (!element.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            throw Error($"Number {element.GetRawText()} at {_path.Describe()} is out of range for a Float64.");
        }

        return new ConvexFloat64(value);
    }

    private string DecodeString(JsonElement element)
    {
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Error($"String at {_path.Describe()} is not valid Unicode: it contains a lone surrogate.");
        }

        ValueLimits.CheckString(value, _path);
        return value;
    }

    private ConvexArray DecodeArray(JsonElement element, int depth)
    {
        ValueLimits.CheckDepth(depth, _path);
        var length = element.GetArrayLength();
        ValueLimits.CheckArrayLength(length, _path);
        var items = ImmutableArray.CreateBuilder<ConvexValue>(length);
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            _path.PushIndex(index++);
            items.Add(DecodeValue(item, depth + 1));
            _path.Pop();
        }

        return new ConvexArray(items.MoveToImmutable());
    }

    private ConvexValue DecodeObject(JsonElement element, int depth)
    {
        var count = element.GetPropertyCount();
        if (count == 1)
        {
            using var single = element.EnumerateObject();
            single.MoveNext();
            var name = PropertyName(single.Current);
            if (name.StartsWith('$'))
            {
                return DecodeSpecial(name, single.Current.Value);
            }
        }

        ValueLimits.CheckDepth(depth, _path);
        ValueLimits.CheckFieldCount(count, _path);
        var fields = ImmutableSortedDictionary.CreateBuilder<string, ConvexValue>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var name = PropertyName(property);
            _path.PushField(name);
            ValueLimits.CheckFieldName(name, _path);
            if (fields.ContainsKey(name))
            {
                throw Error($"Duplicate field name {name} at {_path.Describe()}.");
            }

            fields.Add(name, DecodeValue(property.Value, depth + 1));
            _path.Pop();
        }

        return new ConvexObject(fields.ToImmutable());
    }

    private ConvexValue DecodeSpecial(string tag, JsonElement value)
    {
        switch (tag)
        {
            case "$integer":
                return new ConvexInt64(BinaryPrimitives.ReadInt64LittleEndian(Base64(tag, value, 8)));
            case "$float":
                var number = BinaryPrimitives.ReadDoubleLittleEndian(Base64(tag, value, 8));
                if (!ConvexJson.NeedsFloatTag(number))
                {
                    throw Error(
                        $"Float64 {number.ToString("R", CultureInfo.InvariantCulture)} at {_path.Describe()} " +
                        "should be encoded as a number, not as {\"$float\": ...}.");
                }

                return new ConvexFloat64(number);
            case "$bytes":
                return new ConvexBytes(Base64(tag, value, expectedLength: null));
            case "$undefined":
                throw Error(
                    $"undefined is not a valid Convex value (at {_path.Describe()}). To leave a field out, omit it.");
            case "$set" or "$map":
                throw Error($"{tag} at {_path.Describe()}: Sets and Maps are no longer supported as Convex values.");
            case "$commitTs":
                throw Error($"The commit timestamp placeholder ($commitTs) at {_path.Describe()} is not supported.");
            default:
                _path.PushField(tag);
                ValueLimits.CheckFieldName(tag, _path);
                return Invariant.Unreachable<ConvexValue>("a $-prefixed field name is always rejected");
        }
    }

    private byte[] Base64(string tag, JsonElement value, int? expectedLength)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Error($"{tag} at {_path.Describe()} must be a base64 string, found {value.ValueKind}.");
        }

        if (!value.TryGetBytesFromBase64(out var bytes))
        {
            throw Error($"{tag} at {_path.Describe()} is not valid base64.");
        }

        if (expectedLength is { } n && bytes.Length != n)
        {
            throw Error($"{tag} at {_path.Describe()} must hold exactly {n} bytes, found {bytes.Length}.");
        }

        return bytes;
    }

    private string PropertyName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            throw Error($"A field name at {_path.Describe()} is not valid Unicode: it contains a lone surrogate.");
        }
    }

    private static InvalidValueException Error(string message) => new(message);
}
