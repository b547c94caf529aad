using Convex.Sim.Core.Validators;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Validators;

/// <summary>Reading and writing the validator JSON language (§7.9.1); errors written out by hand.</summary>
public sealed class ValidatorParseTests
{
    private static string Rejection(string json) =>
        Assert.Throws<ValidatorParseException>(() => Validator.Parse(json)).Message;

    [Theory]
    [InlineData("""{"type":"null"}""", ValidatorKind.Null, "v.null()")]
    [InlineData("""{"type":"number"}""", ValidatorKind.Float64, "v.float64()")]
    [InlineData("""{"type":"bigint"}""", ValidatorKind.Int64, "v.int64()")]
    [InlineData("""{"type":"boolean"}""", ValidatorKind.Boolean, "v.boolean()")]
    [InlineData("""{"type":"string"}""", ValidatorKind.String, "v.string()")]
    [InlineData("""{"type":"bytes"}""", ValidatorKind.Bytes, "v.bytes()")]
    [InlineData("""{"type":"any"}""", ValidatorKind.Any, "v.any()")]
    [InlineData("""{"type":"commitTs"}""", ValidatorKind.CommitTs, "v.commitTs()")]
    [InlineData("""{"type":"literal","value":"a"}""", ValidatorKind.Literal, "v.literal(\"a\")")]
    [InlineData(
        """{"type":"literal","value":{"$integer":"AQAAAAAAAAA="}}""", ValidatorKind.Literal, "v.literal(<bigint>)")]
    [InlineData("""{"type":"literal","value":2.5}""", ValidatorKind.Literal, "v.literal(2.5)")]
    [InlineData("""{"type":"literal","value":true}""", ValidatorKind.Literal, "v.literal(true)")]
    [InlineData("""{"type":"id","tableName":"users"}""", ValidatorKind.Id, "v.id(\"users\")")]
    [InlineData("""{"type":"array","value":{"type":"string"}}""", ValidatorKind.Array, "v.array(v.string())")]
    [InlineData("""{"type":"union","value":[]}""", ValidatorKind.Union, "v.union()")]
    [InlineData("""{"type":"object","value":{}}""", ValidatorKind.Object, "v.object({})")]
    public void Every_kind_parses_and_round_trips(string json, ValidatorKind kind, string display)
    {
        var validator = Validator.Parse(json);
        Assert.Equal(kind, validator.Kind);
        Assert.Equal(display, validator.ToString());
        Assert.Equal(json, validator.ToJson());
        Assert.Equal(validator, Validator.Parse(validator.ToJson()));
    }

    /// <summary>All kinds nested, keys in the order convex-js writes them and fields sorted.</summary>
    private const string Message =
        """{"type":"object","value":""" +
        """{"author":{"fieldType":{"type":"id","tableName":"users"},"optional":false}""" +
        ""","body":{"fieldType":{"type":"string"},"optional":false}""" +
        ""","count":{"fieldType":{"type":"bigint"},"optional":true}""" +
        ""","kind":{"fieldType":{"type":"union","value":[{"type":"literal","value":"text"},""" +
        """{"type":"literal","value":{"$integer":"AgAAAAAAAAA="}},{"type":"null"}]},"optional":false}""" +
        ""","meta":{"fieldType":{"type":"record","keys":{"type":"string"}""" +
        ""","values":{"fieldType":{"type":"any"},"optional":false}},"optional":true}""" +
        ""","raw":{"fieldType":{"type":"bytes"},"optional":true}""" +
        ""","score":{"fieldType":{"type":"number"},"optional":false}""" +
        ""","seen":{"fieldType":{"type":"boolean"},"optional":false}""" +
        ""","tags":{"fieldType":{"type":"array","value":{"type":"string"}},"optional":false}""" +
        ""","ts":{"fieldType":{"type":"commitTs"},"optional":true}}}""";

    [Fact]
    public void A_nested_validator_round_trips_byte_for_byte()
    {
        var validator = Validator.Parse(Message);
        Assert.Equal(Message, validator.ToJson());
        Assert.Equal(
            "v.object({author: v.id(\"users\"), body: v.string(), count: v.optional(v.int64()), " +
            "kind: v.union(v.literal(\"text\"), v.literal(<bigint>), v.null()), " +
            "meta: v.optional(v.record(v.string(), v.any())), raw: v.optional(v.bytes()), score: v.float64(), " +
            "seen: v.boolean(), tags: v.array(v.string()), ts: v.optional(v.commitTs())})",
            validator.ToString());
    }

    [Fact]
    public void Object_fields_come_out_sorted_whatever_the_input_order()
    {
        var validator = Validator.Parse(
            """{"value":{"b":{"optional":true,"fieldType":{"type":"null"}},"a":""" +
            """{"fieldType":{"type":"null"},"optional":false}},"type":"object"}""");
        Assert.Equal(
            """{"type":"object","value":{"a":{"fieldType":{"type":"null"},"optional":false},"b":""" +
            """{"fieldType":{"type":"null"},"optional":true}}}""",
            validator.ToJson());
    }

    [Fact]
    public void Unknown_keys_are_ignored_and_legacy_map_and_set_read_as_any()
    {
        Assert.Equal(Validator.String, Validator.Parse("""{"type":"string","isOptional":"required","extra":[1]}"""));
        Assert.Equal(Validator.Any, Validator.Parse("""{"type":"map","keys":{"type":"string"}}"""));
        Assert.Equal(Validator.Any, Validator.Parse("""{"type":"set"}"""));
    }

    [Fact]
    public void Literal_values_keep_their_exact_type()
    {
        var bigint = Assert.IsType<LiteralValidator>(
            Validator.Parse("""{"type":"literal","value":{"$integer":"AQAAAAAAAAA="}}"""));
        Assert.Equal(new ConvexInt64(1), bigint.Value);
        var negativeZero = Assert.IsType<LiteralValidator>(
            Validator.Parse("""{"type":"literal","value":{"$float":"AAAAAAAAAIA="}}"""));
        Assert.Equal(new ConvexFloat64(-0.0), negativeZero.Value);
        Assert.Equal("""{"type":"literal","value":{"$float":"AAAAAAAAAIA="}}""", negativeZero.ToJson());
    }

    [Fact]
    public void Structural_errors_name_the_json_path()
    {
        Assert.Equal(
            "Invalid validator at $: expected a JSON object with a \"type\" key, found an array", Rejection("[]"));
        Assert.Equal("Invalid validator at $: missing \"type\"", Rejection("{}"));
        Assert.Equal(
            "Invalid validator at $: \"type\" must be a string, found the number 5", Rejection("""{"type":5}"""));
        Assert.Equal(
            "Invalid validator at $: a validator of type \"id\" needs \"tableName\"", Rejection("""{"type":"id"}"""));
        Assert.Equal("Invalid validator at $.tableName: expected a string, found null",
            Rejection("""{"type":"id","tableName":null}"""));
        Assert.Equal(
            "Invalid validator at $: a validator of type \"array\" needs \"value\"", Rejection("""{"type":"array"}"""));
        Assert.Equal("Invalid validator at $.value: expected a JSON array of validators, found an object",
            Rejection("""{"type":"union","value":{}}"""));
        Assert.Equal("Invalid validator at $.value: expected a JSON object mapping field names to fields, found " +
            "an array",
            Rejection("""{"type":"object","value":[]}"""));
    }

    [Fact]
    public void Unknown_types_list_the_known_ones() =>
        Assert.Equal(
            "Invalid validator at $: unknown validator type \"float\"; expected one of \"null\", \"number\", " +
            "\"bigint\", " +
            "\"boolean\", \"string\", \"bytes\", \"any\", \"literal\", \"id\", \"array\", \"record\", \"object\", " +
            "\"union\", " +
            "\"commitTs\"",
            Rejection("""{"type":"float"}"""));

    [Fact]
    public void Nested_errors_name_the_nested_path()
    {
        Assert.StartsWith("Invalid validator at $.value.value[1]: unknown validator type \"nope\";",
            Rejection("""{"type":"array","value":{"type":"union","value":[{"type":"string"},{"type":"nope"}]}}"""),
            StringComparison.Ordinal);
        Assert.Equal("Invalid validator at $.value.a: missing \"optional\"",
            Rejection("""{"type":"object","value":{"a":{"fieldType":{"type":"string"}}}}"""));
        Assert.Equal("Invalid validator at $.value.a.optional: expected true or false, found the string \"yes\"",
            Rejection("""{"type":"object","value":{"a":{"fieldType":{"type":"string"},"optional":"yes"}}}"""));
        Assert.Equal("Invalid validator at $.value.a.fieldType: missing \"type\"",
            Rejection("""{"type":"object","value":{"a":{"fieldType":{},"optional":false}}}"""));
    }

    [Fact]
    public void Names_must_be_identifiers()
    {
        Assert.Equal(
            "Invalid validator at $.tableName: Invalid table name \"bad-name\" in v.id(): table names must start " +
            "with a " +
            "letter or underscore, contain only letters, digits and underscores, and be at most 64 characters long.",
            Rejection("""{"type":"id","tableName":"bad-name"}"""));
        Assert.Equal(
            "Invalid validator at $.value: Invalid field name \"a-b\" in v.object(): field names in validators " +
            "must start " +
            "with a letter or underscore, contain only letters, digits and underscores, and be at most 64 " +
            "characters long.",
            Rejection("""{"type":"object","value":{"a-b":{"fieldType":{"type":"string"},"optional":false}}}"""));
    }

    [Fact]
    public void Literals_must_be_numbers_bigints_booleans_or_strings()
    {
        Assert.Equal(
            "Invalid validator at $.value: Value null is not a valid literal: literals must be a number, bigint, " +
            "boolean or string.",
            Rejection("""{"type":"literal","value":null}"""));
        Assert.Equal(
            "Invalid validator at $.value: Value [1.0] is not a valid literal: literals must be a number, bigint, " +
            "boolean or string.",
            Rejection("""{"type":"literal","value":[1]}"""));
        Assert.StartsWith("Invalid validator at $.value: the literal is not a valid Convex JSON value: ",
            Rejection("""{"type":"literal","value":{"$integer":"AQ=="}}"""), StringComparison.Ordinal);
        Assert.Equal(
            "Invalid validator at $: a validator of type \"literal\" needs \"value\"",
            Rejection("""{"type":"literal"}"""));
    }

    [Fact]
    public void Records_need_string_keys_without_literals_and_required_values()
    {
        var numberKeys = Assert.Throws<ValidatorParseException>(() => Validator.Parse(
            """{"type":"record","keys":{"type":"number"},"values":{"fieldType":{"type":"any"},"optional":false}}"""));
        Assert.Equal("InvalidRecordType", numberKeys.Code);
        Assert.Equal(
            "Invalid validator at $.keys: Records can only have string keys. Your validator contains a record " +
            "with key " +
            "typed as `v.float64()`, which is not a subtype of `v.string()`",
            numberKeys.Message);
        Assert.Equal("Invalid validator at $.keys: Records cannot have string literal keys", Rejection(
            """{"type":"record","keys":{"type":"union","value":""" +
            """[{"type":"literal","value":"a"},{"type":"literal","value":"b"}]}""" +
            ""","values":{"fieldType":{"type":"any"},"optional":false}}"""));
        Assert.Equal("Invalid validator at $.values: Records cannot have optional values", Rejection(
            """{"type":"record","keys":{"type":"string"},"values":{"fieldType":{"type":"any"},"optional":true}}"""));
        Assert.Equal(Validator.Record(Validator.Union(Validator.String, Validator.Id("users")), Validator.Null),
            Validator.Parse(
                """{"type":"record","keys":{"type":"union","value":""" +
                """[{"type":"string"},{"type":"id","tableName":"users"}]}""" +
                ""","values":{"fieldType":{"type":"null"},"optional":false}}"""));
    }

    [Fact]
    public void Text_that_is_not_json_is_a_parse_error() =>
        Assert.StartsWith("Invalid validator: the text is not valid JSON (", Rejection("{"), StringComparison.Ordinal);

    [Fact]
    public void Building_invalid_validators_in_code_fails_the_same_way()
    {
        Assert.Throws<ValidatorParseException>(() => Validator.Id("not a name"));
        Assert.Throws<ValidatorParseException>(() => Validator.Literal(ConvexNull.Instance));
        Assert.Throws<ValidatorParseException>(() => Validator.Record(Validator.Float64, Validator.Any));
        Assert.Throws<ValidatorParseException>(() =>
            Validator.Object([new("$bad", FieldValidator.Required(Validator.Any))]));
    }

    [Fact]
    public void Equality_is_structural()
    {
        Assert.Equal(Validator.Array(Validator.Id("users")), Validator.Array(Validator.Id("users")));
        Assert.NotEqual(Validator.Array(Validator.Id("users")), Validator.Array(Validator.Id("messages")));
        Assert.NotEqual(Validator.Literal(new ConvexInt64(1)), Validator.Literal(new ConvexFloat64(1)));
        Assert.Equal(
            Validator.Id("users").GetHashCode(),
            Validator.Parse("""{"type":"id","tableName":"users"}""").GetHashCode());
    }
}
