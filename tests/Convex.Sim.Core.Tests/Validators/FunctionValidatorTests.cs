using Convex.Sim.Core.Validators;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Validators;

/// <summary>
/// Function arguments (one positional object, checked against <c>exportArgs()</c>) and return values
/// (checked against <c>exportReturns()</c>), with the ArgumentValidationError / ReturnsValidationError
/// prefixes the official backend adds.
/// </summary>
public sealed class FunctionValidatorTests
{
    private const string ArgsJson =
        """{"type":"object","value":{"body":{"fieldType":{"type":"string"},"optional":false}""" +
        ""","channel":{"fieldType":{"type":"id","tableName":"messages"},"optional":true}}}""";

    private static ConvexArray Args(string json) => (ConvexArray)ConvexJson.Decode(json);

    private static string? Check(ArgumentsValidator validator, ConvexArray arguments) =>
        validator.ValidateArguments(arguments, TestTables.Lookup)?.Message;

    [Fact]
    public void Declared_args_accept_a_matching_object()
    {
        var args = ArgumentsValidator.Parse(ArgsJson);
        Assert.NotNull(args.Validator);
        Assert.Null(Check(args, Args("""[{"body": "hi"}]""")));
        Assert.Null(Check(args, new ConvexArray([ConvexObject.Empty
            .With("body", new ConvexString("hi")).With("channel", new ConvexString(TestTables.MessageId))])));
        Assert.Equal(ArgsJson, args.ToJson());
    }

    [Fact]
    public void A_bad_argument_is_an_argument_validation_error() =>
        Assert.Equal(
            "ArgumentValidationError: Value does not match validator.\nPath: .body\nValue: 1.0\nValidator: v.string()",
            Check(ArgumentsValidator.Parse(ArgsJson), Args("""[{"body": 1}]""")));

    [Fact]
    public void Missing_and_extra_arguments_are_reported()
    {
        var args = ArgumentsValidator.Parse(ArgsJson);
        Assert.Equal(
            "ArgumentValidationError: Object is missing the required field `body`. Consider wrapping the field " +
            "validator " +
            "in `v.optional(...)` if this is expected.\n\nObject: {}\n" +
            "Validator: v.object({body: v.string(), channel: v.optional(v.id(\"messages\"))})",
            Check(args, Args("[{}]")));
        Assert.Equal(
            "ArgumentValidationError: Object contains extra field `bodyy` that is not in the validator.\n\n" +
            "Object: {body: \"a\", bodyy: \"b\"}\nValidator: v.object({body: v.string(), channel: " +
            "v.optional(v.id(\"messages\"))})",
            Check(args, Args("""[{"body": "a", "bodyy": "b"}]""")));
    }

    [Fact]
    public void No_argument_object_means_an_empty_one()
    {
        var optionalOnly = ArgumentsValidator.From(
            Validator.Object([new("limit", FieldValidator.Optional(Validator.Float64))]));
        Assert.Null(Check(optionalOnly, ConvexArray.Empty));
        Assert.StartsWith("ArgumentValidationError: Object is missing the required field `body`.",
            Check(ArgumentsValidator.Parse(ArgsJson), ConvexArray.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_must_be_a_single_object()
    {
        var args = ArgumentsValidator.Parse(ArgsJson);
        Assert.Equal(
            "ArgumentValidationError: Expected to receive a single object as the function's argument. Instead " +
            "received " +
            "2 arguments: [{}, {}]",
            Check(args, Args("[{}, {}]")));
        var error = args.ValidateArguments(Args("""["hi"]"""), TestTables.Lookup);
        Assert.NotNull(error);
        Assert.Equal(ValidationErrorKind.ArgumentNotObject, error.Kind);
        Assert.Equal("ArgumentValidationError: ", error.Prefix);
        Assert.Equal(
            "ArgumentValidationError: Expected to receive an object as the function's argument. Instead received: " +
            "\"hi\"",
            error.Message);
    }

    [Fact]
    public void Undeclared_args_accept_anything()
    {
        var any = ArgumentsValidator.Parse("""{"type":"any"}""");
        Assert.Same(ArgumentsValidator.Unvalidated, any);
        Assert.Null(any.Validator);
        Assert.Null(Check(any, Args("[1, 2, 3]")));
        Assert.Null(Check(any, Args("[]")));
        Assert.Equal("""{"type":"any"}""", any.ToJson());
    }

    [Fact]
    public void Args_validators_must_be_objects_or_any()
    {
        Assert.Equal("Args validator must be an object or any, found v.string().",
            Assert.Throws<ValidatorParseException>(() => ArgumentsValidator.Parse("""{"type":"string"}""")).Message);
        Assert.Equal(
            "Error in args validator: Invalid validator at $: missing \"type\"\n" +
            "See https://docs.convex.dev/functions/validation for docs on how to do argument validation.",
            Assert.Throws<ValidatorParseException>(() => ArgumentsValidator.Parse("{}")).Message);
    }

    [Fact]
    public void Return_values_are_checked_against_the_declared_validator()
    {
        var returns = ReturnsValidator.Parse("""{"type":"union","value":[{"type":"number"},{"type":"null"}]}""");
        Assert.Null(returns.ValidateReturnValue(new ConvexFloat64(1), TestTables.Lookup));
        Assert.Null(returns.ValidateReturnValue(null, TestTables.Lookup));
        Assert.Equal(
            "ReturnsValidationError: Value does not match validator.\n\nValue: \"x\"\nValidator: " +
            "v.union(v.float64(), v.null())",
            returns.ValidateReturnValue(new ConvexString("x"), TestTables.Lookup)?.Message);
        Assert.Equal(
            "ReturnsValidationError: Value does not match validator.\n\nValue: null\nValidator: v.string()",
            ReturnsValidator.From(Validator.String).ValidateReturnValue(null, TestTables.Lookup)?.Message);
    }

    [Fact]
    public void Undeclared_returns_accept_anything()
    {
        var none = ReturnsValidator.Parse("null");
        Assert.Same(ReturnsValidator.Unvalidated, none);
        Assert.Null(none.ValidateReturnValue(new ConvexInt64(1), TestTables.Lookup));
        Assert.Equal("null", none.ToJson());
        Assert.Equal("""{"type":"string"}""", ReturnsValidator.Parse("""{"type":"string"}""").ToJson());
    }

    [Fact]
    public void A_bad_returns_validator_says_so() =>
        Assert.Equal(
            "Error in returns validator: Invalid validator at $: unknown validator type \"str\"; expected one of " +
            "\"null\", " +
            "\"number\", \"bigint\", \"boolean\", \"string\", \"bytes\", \"any\", \"literal\", \"id\", \"array\", " +
            "\"record\", " +
            "\"object\", \"union\", \"commitTs\"\n" +
            "See https://docs.convex.dev/functions/validation for docs on how to do return value validation.",
            Assert.Throws<ValidatorParseException>(() => ReturnsValidator.Parse("""{"type":"str"}""")).Message);
}
