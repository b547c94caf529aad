using System.Collections.Immutable;
using System.Text.Json;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// Reads the validator JSON language (convex-compat §7.9.1). Like the backend, unknown keys are
/// ignored, <c>"map"</c> and <c>"set"</c> are read as legacy spellings of <c>"any"</c>, and record rules
/// are enforced at parse time. Every error names the JSON path of the offending validator.
/// </summary>
internal static class ValidatorJsonReader
{
    /// <summary>
    /// Each level of value nesting costs up to three JSON levels in a validator (object → value → field →
    /// fieldType), and values nest at most 64 deep, so this bounds recursion well above any real validator.
    /// </summary>
    internal const int JsonDepthMax = 256;

    private const string KnownTypes =
        "\"null\", \"number\", \"bigint\", \"boolean\", \"string\", \"bytes\", \"any\", \"literal\", \"id\", " +
        "\"array\", \"record\", \"object\", \"union\", \"commitTs\"";

    public static Validator Read(JsonElement json) => Read(json, "$");

    private static Validator Read(JsonElement json, string path)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"expected a JSON object with a \"type\" key, found {Describe(json)}");
        }

        var type = Property(json, "type", path);
        if (type.ValueKind != JsonValueKind.String)
        {
            throw Error(path, $"\"type\" must be a string, found {Describe(type)}");
        }

        return type.GetString() switch
        {
            "null" => Validator.Null,
            "number" => Validator.Float64,
            "bigint" => Validator.Int64,
            "commitTs" => Validator.CommitTs,
            "boolean" => Validator.Boolean,
            "string" => Validator.String,
            "bytes" => Validator.Bytes,
            "any" or "map" or "set" => Validator.Any,
            "literal" => ReadLiteral(json, path),
            "id" => ReadId(json, path),
            "array" => Validator.Array(Read(Property(json, "value", path), path + ".value")),
            "record" => ReadRecord(json, path),
            "object" => ReadObject(json, path),
            "union" => ReadUnion(json, path),
            var other => throw Error(path, $"unknown validator type \"{other}\"; expected one of {KnownTypes}"),
        };
    }

    private static LiteralValidator ReadLiteral(JsonElement json, string path)
    {
        var encoded = Property(json, "value", path);
        ConvexValue value;
        try
        {
            value = ConvexJson.Decode(encoded);
        }
        catch (InvalidValueException e)
        {
            throw Error(path + ".value", $"the literal is not a valid Convex JSON value: {e.Message}");
        }

        return LiteralValidator.Problem(value) is { } problem ? throw Error(path + ".value", problem) : new(value);
    }

    private static IdValidator ReadId(JsonElement json, string path)
    {
        var tableName = ReadString(Property(json, "tableName", path), path + ".tableName");
        return IdValidator.Problem(tableName) is { } problem
            ? throw Error(path + ".tableName", problem)
            : new(tableName);
    }

    private static RecordValidator ReadRecord(JsonElement json, string path)
    {
        // The backend checks the keys before it reads the values, so report problems in that order.
        var keys = Read(Property(json, "keys", path), path + ".keys");
        if (RecordValidator.KeysProblem(keys) is { } problem)
        {
            throw new ValidatorParseException("InvalidRecordType", $"Invalid validator at {path}.keys: {problem}");
        }

        var values = ReadField(Property(json, "values", path), path + ".values");
        if (values.IsOptional)
        {
            throw new ValidatorParseException(
                "InvalidRecordType", $"Invalid validator at {path}.values: Records cannot have optional values");
        }

        return new RecordValidator(keys, values.Validator);
    }

    private static ObjectValidator ReadObject(JsonElement json, string path)
    {
        var value = Property(json, "value", path);
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(
                path + ".value", $"expected a JSON object mapping field names to fields, found {Describe(value)}");
        }

        var fields = ImmutableSortedDictionary.CreateBuilder<string, FieldValidator>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (ObjectValidator.FieldNameProblem(property.Name) is { } problem)
            {
                throw Error(path + ".value", problem);
            }

            if (fields.ContainsKey(property.Name))
            {
                throw Error(path + ".value", $"field \"{property.Name}\" appears more than once");
            }

            fields[property.Name] = ReadField(property.Value, $"{path}.value.{property.Name}");
        }

        return new ObjectValidator(fields.ToImmutable());
    }

    private static UnionValidator ReadUnion(JsonElement json, string path)
    {
        var value = Property(json, "value", path);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(path + ".value", $"expected a JSON array of validators, found {Describe(value)}");
        }

        var members = ImmutableArray.CreateBuilder<Validator>(value.GetArrayLength());
        var i = 0;
        foreach (var member in value.EnumerateArray())
        {
            members.Add(Read(member, $"{path}.value[{i}]"));
            i++;
        }

        return new UnionValidator(members.MoveToImmutable());
    }

    /// <summary>A <c>{"fieldType": validator, "optional": bool}</c> pair; both keys are required.</summary>
    private static FieldValidator ReadField(JsonElement json, string path)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"expected a JSON object with \"fieldType\" and \"optional\", found {Describe(json)}");
        }

        var optional = Property(json, "optional", path);
        if (optional.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw Error(path + ".optional", $"expected true or false, found {Describe(optional)}");
        }

        var validator = Read(Property(json, "fieldType", path), path + ".fieldType");
        return new FieldValidator(validator, optional.GetBoolean());
    }

    private static JsonElement Property(JsonElement json, string name, string path)
    {
        Invariant.Assert(json.ValueKind == JsonValueKind.Object);
        if (json.TryGetProperty(name, out var value))
        {
            return value;
        }

        var type = json.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        throw Error(path, type is null ? $"missing \"{name}\"" : $"a validator of type \"{type}\" needs \"{name}\"");
    }

    private static string ReadString(JsonElement json, string path) => json.ValueKind == JsonValueKind.String
        ? json.GetString() ?? Invariant.Unreachable<string>("a JSON string reads as a string")
        : throw Error(path, $"expected a string, found {Describe(json)}");

    private static string Describe(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {json.GetRawText()}",
        JsonValueKind.Number => $"the number {json.GetRawText()}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Undefined => "nothing",
    };

    private static ValidatorParseException Error(string path, string reason) =>
        new($"Invalid validator at {path}: {reason}");
}
