using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// A Convex validator (convex-compat §7.9.1): the type language of <c>v.*</c> used by function
/// <c>args</c>/<c>returns</c> and schema <c>documentType</c>s. Immutable. Parsed from and written back
/// to the JSON that <c>exportArgs()</c>, <c>exportReturns()</c> and <c>schema.export()</c> produce; the
/// written form is canonical (object fields sorted), so equality is equality of that JSON.
/// <see cref="ToString"/> gives the backend's display form (<c>v.object({a: v.string()})</c>), which
/// validation messages quote.
/// </summary>
public abstract class Validator : IEquatable<Validator>
{
    private protected Validator() { }

    public abstract ValidatorKind Kind { get; }

    public static Validator Null { get; } = new ScalarValidator(ValidatorKind.Null);

    public static Validator Float64 { get; } = new ScalarValidator(ValidatorKind.Float64);

    public static Validator Int64 { get; } = new ScalarValidator(ValidatorKind.Int64);

    public static Validator CommitTs { get; } = new ScalarValidator(ValidatorKind.CommitTs);

    public static Validator Boolean { get; } = new ScalarValidator(ValidatorKind.Boolean);

    public static Validator String { get; } = new ScalarValidator(ValidatorKind.String);

    public static Validator Bytes { get; } = new ScalarValidator(ValidatorKind.Bytes);

    public static Validator Any { get; } = new ScalarValidator(ValidatorKind.Any);

    /// <summary><c>v.literal(value)</c>; the value must be a Float64, Int64, Boolean or String.</summary>
    public static LiteralValidator Literal(ConvexValue value) => new(value);

    /// <summary><c>v.id(tableName)</c>; the name must be an identifier.</summary>
    public static IdValidator Id(string tableName) => new(tableName);

    public static ArrayValidator Array(Validator element) => new(element);

    public static RecordValidator Record(Validator keys, Validator values) => new(keys, values);

    public static ObjectValidator Object(IEnumerable<KeyValuePair<string, FieldValidator>> fields) =>
        new(ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, fields));

    public static UnionValidator Union(params IEnumerable<Validator> members) => new([.. members]);

    /// <summary>Parses validator JSON; throws <see cref="ValidatorParseException"/> saying what and where.</summary>
    public static Validator Parse(string json)
    {
        JsonDocument document;
        try
        {
            var options = new JsonDocumentOptions { MaxDepth = ValidatorJsonReader.JsonDepthMax };
            document = JsonDocument.Parse(json, options);
        }
        catch (JsonException e)
        {
            throw new ValidatorParseException($"Invalid validator: the text is not valid JSON ({e.Message})");
        }

        using (document)
        {
            return Parse(document.RootElement);
        }
    }

    public static Validator Parse(JsonElement json) => ValidatorJsonReader.Read(json);

    /// <summary>The JSON form, as <c>validator.json</c> in convex-js would produce it (fields sorted).</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void WriteJson(Utf8JsonWriter writer) => ValidatorJsonWriter.Write(writer, this);

    /// <summary>
    /// Checks <paramref name="value"/>; null means it matches. A C# null value ("undefined") is checked
    /// as the Convex null, which is what the official backend does with an <c>undefined</c> return value.
    /// <paramref name="tableNames"/> resolves the table number inside an ID for <c>v.id</c>.
    /// </summary>
    public ValidationError? Validate(ConvexValue? value, TableNameLookup tableNames) =>
        new ValueChecker(tableNames).Check(this, value ?? ConvexNull.Instance);

    /// <summary>
    /// Schema enforcement of a stored document (§5.9, §7.9.2): top-level system fields (<c>_id</c>,
    /// <c>_creationTime</c>) are removed from the document, and from the validator's top-level objects,
    /// before checking, so they are always allowed and never required.
    /// </summary>
    public ValidationError? ValidateDocument(ConvexObject document, TableNameLookup tableNames)
    {
        var userFields = document.Fields.Keys.Any(IsSystemField)
            ? ConvexObject.From(document.Fields.Where(field => !IsSystemField(field.Key)))
            : document;
        Invariant.Assert(!userFields.Fields.Keys.Any(IsSystemField));
        return WithoutTopLevelSystemFields().Validate(userFields, tableNames);
    }

    /// <summary>
    /// This validator with <c>_</c>-prefixed fields dropped from its top-level object, or from the
    /// objects among its union members (through nested unions), as the backend stores document types.
    /// </summary>
    public Validator WithoutTopLevelSystemFields()
    {
        switch (this)
        {
            case ObjectValidator obj when obj.Fields.Keys.Any(IsSystemField):
                return new ObjectValidator(obj.Fields.RemoveRange(obj.Fields.Keys.Where(IsSystemField)));
            case UnionValidator union:
                var members = union.Members.Select(m => m.WithoutTopLevelSystemFields()).ToImmutableArray();
                var unchanged = members.Zip(union.Members).All(pair => ReferenceEquals(pair.First, pair.Second));
                return unchanged ? this : new UnionValidator(members);
            default:
                return this;
        }
    }

    /// <summary>The backend's display form, e.g. <c>v.union(v.string(), v.null())</c>.</summary>
    public override string ToString() => ValueDisplay.Validator(this);

    public bool Equals(Validator? other) =>
        other is not null && (ReferenceEquals(this, other) || (Kind == other.Kind && ToJson() == other.ToJson()));

    public override bool Equals(object? obj) => obj is Validator other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new StableHash();
        hash.Add(ToJson().AsSpan());
        return hash.ToInt32();
    }

    /// <summary>Top-level fields starting with '_' are system fields (<c>_id</c> and <c>_creationTime</c>).</summary>
    internal static bool IsSystemField(string name) => name.StartsWith('_');
}
