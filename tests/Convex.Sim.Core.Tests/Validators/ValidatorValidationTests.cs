using Convex.Sim.Core.Validators;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Validators;

/// <summary>
/// Every validator kind accepting and rejecting values, with the official backend's messages
/// written out by hand (crates/common/src/schemas/validator.rs wording). Note the empty path line
/// at the top level, and that floats always print with a fraction ("12.0") while int64s do not.
/// </summary>
public sealed class ValidatorValidationTests
{
    private static ConvexValue Json(string json) => ConvexJson.Decode(json);

    private static string? Check(Validator validator, ConvexValue? value) =>
        validator.Validate(value, TestTables.Lookup)?.Message;

    private static Validator Parse(string json) => Validator.Parse(json);

    [Fact]
    public void Scalars_accept_their_own_type()
    {
        Assert.Null(Check(Validator.Null, ConvexNull.Instance));
        Assert.Null(Check(Validator.Float64, new ConvexFloat64(1.5)));
        Assert.Null(Check(Validator.Float64, new ConvexFloat64(double.NaN)));
        Assert.Null(Check(Validator.Int64, new ConvexInt64(long.MinValue)));
        Assert.Null(Check(Validator.CommitTs, new ConvexInt64(12345)));
        Assert.Null(Check(Validator.Boolean, ConvexBoolean.False));
        Assert.Null(Check(Validator.String, new ConvexString("")));
        Assert.Null(Check(Validator.Bytes, new ConvexBytes([1, 2])));
    }

    [Fact]
    public void A_string_validator_rejects_a_number_with_the_official_message() =>
        Assert.Equal("Value does not match validator.\n\nValue: 12.0\nValidator: v.string()",
            Check(Validator.String, new ConvexFloat64(12)));

    [Fact]
    public void Float64_rejects_int64_and_int64_rejects_float64()
    {
        Assert.Equal("Value does not match validator.\n\nValue: 5\nValidator: v.float64()",
            Check(Validator.Float64, new ConvexInt64(5)));
        Assert.Equal("Value does not match validator.\n\nValue: 5.0\nValidator: v.int64()",
            Check(Validator.Int64, new ConvexFloat64(5)));
        Assert.Equal("Value does not match validator.\n\nValue: 5.0\nValidator: v.commitTs()",
            Check(Validator.CommitTs, new ConvexFloat64(5)));
    }

    [Fact]
    public void Other_scalars_reject_other_types()
    {
        Assert.Equal("Value does not match validator.\n\nValue: false\nValidator: v.null()",
            Check(Validator.Null, ConvexBoolean.False));
        Assert.Equal("Value does not match validator.\n\nValue: null\nValidator: v.boolean()",
            Check(Validator.Boolean, ConvexNull.Instance));
        Assert.Equal("Value does not match validator.\n\nValue: b\"AQID\"\nValidator: v.string()",
            Check(Validator.String, new ConvexBytes([1, 2, 3])));
        Assert.Equal("Value does not match validator.\n\nValue: \"AQID\"\nValidator: v.bytes()",
            Check(Validator.Bytes, new ConvexString("AQID")));
    }

    [Fact]
    public void Undefined_is_checked_as_null()
    {
        Assert.Null(Check(Validator.Null, null));
        Assert.Equal("Value does not match validator.\n\nValue: null\nValidator: v.string()",
            Check(Validator.String, null));
    }

    [Fact]
    public void Any_accepts_everything()
    {
        Assert.Null(Check(Validator.Any, ConvexNull.Instance));
        Assert.Null(Check(Validator.Any, Json("""{"a": [1, {"b": null}]}""")));
        Assert.Null(Check(Validator.Any, new ConvexInt64(1)));
    }

    [Fact]
    public void Literals_match_exactly_one_value()
    {
        Assert.Null(Check(Validator.Literal(new ConvexString("a")), new ConvexString("a")));
        Assert.Null(Check(Validator.Literal(new ConvexInt64(1)), new ConvexInt64(1)));
        Assert.Null(Check(Validator.Literal(ConvexBoolean.True), ConvexBoolean.True));
        Assert.Equal("`\"b\"` does not match literal validator `v.literal(\"a\")`.",
            Check(Validator.Literal(new ConvexString("a")), new ConvexString("b")));
        Assert.Equal("`1.0` does not match literal validator `v.literal(<bigint>)`.",
            Check(Validator.Literal(new ConvexInt64(1)), new ConvexFloat64(1)));
        Assert.Equal("`false` does not match literal validator `v.literal(true)`.",
            Check(Validator.Literal(ConvexBoolean.True), ConvexBoolean.False));
        Assert.Equal("`-0.0` does not match literal validator `v.literal(0.0)`.",
            Check(Validator.Literal(new ConvexFloat64(0)), new ConvexFloat64(-0.0)));
    }

    [Fact]
    public void A_literal_failure_inside_an_object_appends_the_path_without_a_space() =>
        Assert.Equal("`\"draft\"` does not match literal validator `v.literal(\"sent\")`.Path: .status",
            Check(Parse("""{"type":"object","value":{"status":""" +
                        """{"fieldType":{"type":"literal","value":"sent"},"optional":false}}}"""),
                Json("""{"status": "draft"}""")));

    [Fact]
    public void Arrays_check_every_element_and_name_its_index()
    {
        var numbers = Validator.Array(Validator.Float64);
        Assert.Null(Check(numbers, Json("[]")));
        Assert.Null(Check(numbers, Json("[1, 2]")));
        Assert.Equal("Value does not match validator.\nPath: [1]\nValue: \"x\"\nValidator: v.float64()",
            Check(numbers, Json("""[1, "x", "y"]""")));
        Assert.Equal("Value does not match validator.\n\nValue: {}\nValidator: v.array(v.float64())",
            Check(numbers, Json("{}")));
    }

    [Fact]
    public void Records_check_keys_then_values()
    {
        var scores = Validator.Record(Validator.String, Validator.Float64);
        Assert.Null(Check(scores, Json("""{"alice": 1, "bob": 2}""")));
        Assert.Null(Check(scores, Json("{}")));
        Assert.Equal("Value does not match validator.\nPath: .values()\nValue: \"x\"\nValidator: v.float64()",
            Check(scores, Json("""{"alice": 1, "bob": "x"}""")));
        Assert.Equal("Value does not match validator.\n\nValue: [1.0]\nValidator: v.record(v.string(), v.float64())",
            Check(scores, Json("[1]")));
    }

    [Fact]
    public void Record_keys_can_be_ids()
    {
        var byUser = Validator.Record(Validator.Id("users"), Validator.Boolean);
        Assert.Null(Check(byUser, ConvexObject.Empty.With(TestTables.UserId, ConvexBoolean.True)));
        Assert.Equal("Value does not match validator.\nPath: .keys()\nValue: \"alice\"\nValidator: v.id(\"users\")",
            Check(byUser, Json("""{"alice": true}""")));
    }

    [Fact]
    public void Objects_accept_missing_optional_fields()
    {
        var post = Parse(PostJson);
        Assert.Null(Check(post, Json("""{"x": "a"}""")));
        Assert.Null(Check(post, Json("""{"x": "a", "y": 2}""")));
    }

    private const string PostJson =
        """{"type":"object","value":{"x":{"fieldType":{"type":"string"},"optional":false}""" +
        ""","y":{"fieldType":{"type":"number"},"optional":true}}}""";

    [Fact]
    public void Objects_report_a_missing_required_field() =>
        Assert.Equal(
            "Object is missing the required field `x`. Consider wrapping the field validator in `v.optional(...)` if " +
            "this is expected.\n\nObject: {y: 1.0}\nValidator: v.object({x: v.string(), y: v.optional(v.float64())})",
            Check(Parse(PostJson), Json("""{"y": 1}""")));

    [Fact]
    public void Objects_reject_extra_fields() =>
        Assert.Equal(
            "Object contains extra field `z` that is not in the validator.\n\nObject: {x: \"a\", z: true}\n" +
            "Validator: v.object({x: v.string(), y: v.optional(v.float64())})",
            Check(Parse(PostJson), Json("""{"x": "a", "z": true}""")));

    [Fact]
    public void A_present_optional_field_must_still_match() =>
        Assert.Equal("Value does not match validator.\nPath: .y\nValue: \"2\"\nValidator: v.float64()",
            Check(Parse(PostJson), Json("""{"x": "a", "y": "2"}""")));

    [Fact]
    public void Object_fields_are_checked_in_name_order_before_extras() =>
        Assert.Equal("Value does not match validator.\nPath: .author\nValue: 12.0\nValidator: v.string()",
            Check(Parse("""{"type":"object","value":{"author":{"fieldType":{"type":"string"},"optional":false}""" +
                        ""","body":{"fieldType":{"type":"string"},"optional":false}}}"""),
                Json("""{"author": 12, "body": 3, "extra": 1}""")));

    [Fact]
    public void Paths_nest_through_objects_and_arrays()
    {
        var validator = Validator.Object([
            new("tags", FieldValidator.Required(Validator.Array(Validator.Object([
                new("name", FieldValidator.Required(Validator.String))])))),
        ]);
        Assert.Null(Check(validator, Json("""{"tags": [{"name": "a"}]}""")));
        Assert.Equal("Value does not match validator.\nPath: .tags[1].name\nValue: 3.0\nValidator: v.string()",
            Check(validator, Json("""{"tags": [{"name": "a"}, {"name": 3}]}""")));
        Assert.Equal(
            "Object is missing the required field `name`. Consider wrapping the field validator in `v.optional(...)` " +
            "if this is expected.\nPath: .tags[0]\nObject: {}\nValidator: v.object({name: v.string()})",
            Check(validator, Json("""{"tags": [{}]}""")));
    }

    [Fact]
    public void Unions_pass_if_any_member_passes()
    {
        var maybeText = Validator.Union(Validator.String, Validator.Null);
        Assert.Null(Check(maybeText, new ConvexString("a")));
        Assert.Null(Check(maybeText, ConvexNull.Instance));
        Assert.Equal("Value does not match validator.\n\nValue: 1.0\nValidator: v.union(v.string(), v.null())",
            Check(maybeText, new ConvexFloat64(1)));
    }

    [Fact]
    public void A_one_member_union_reports_its_member_error() =>
        Assert.Equal("Value does not match validator.\nPath: .a\nValue: 1.0\nValidator: v.string()",
            Check(Validator.Union(Validator.Object([new("a", FieldValidator.Required(Validator.String))])),
                Json("""{"a": 1}""")));

    [Fact]
    public void A_failed_union_inside_an_object_names_the_union_path() =>
        Assert.Equal(
            "Value does not match validator.\nPath: .v\nValue: true\nValidator: v.union(v.literal(\"a\"), v.int64())",
            Check(Validator.Object([new("v", FieldValidator.Required(
                    Validator.Union(Validator.Literal(new ConvexString("a")), Validator.Int64)))]),
                Json("""{"v": true}""")));

    [Fact]
    public void An_empty_union_matches_nothing() =>
        Assert.Equal("Value does not match validator.\n\nValue: null\nValidator: v.union()",
            Check(Validator.Union(), ConvexNull.Instance));
}
