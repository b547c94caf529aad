using Convex.Sim.Core.Validators;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Validators;

/// <summary>Schema enforcement of documents (§5.9): system fields are always allowed and never required.</summary>
public sealed class DocumentValidationTests
{
    private static readonly Validator Message = Validator.Object([
        new("body", FieldValidator.Required(Validator.String)),
        new("author", FieldValidator.Optional(Validator.Id("users"))),
    ]);

    private static ConvexObject Stored(string json) => ((ConvexObject)ConvexJson.Decode(json))
        .With("_id", new ConvexString(TestTables.MessageId))
        .With("_creationTime", new ConvexFloat64(1_700_000_000_000.5));

    private static string? Check(Validator validator, ConvexObject document) =>
        validator.ValidateDocument(document, TestTables.Lookup)?.Message;

    [Fact]
    public void System_fields_are_allowed_without_being_declared()
    {
        Assert.Null(Check(Message, Stored("""{"body": "hi"}""")));
        Assert.Null(Check(Message, (ConvexObject)ConvexJson.Decode("""{"body": "hi"}""")));
    }

    [Fact]
    public void Messages_show_the_document_without_system_fields() =>
        Assert.Equal(
            "Object is missing the required field `body`. Consider wrapping the field validator in " +
            "`v.optional(...)` if " +
            "this is expected.\n\nObject: {}\nValidator: v.object({author: v.optional(v.id(\"users\")), body: " +
            "v.string()})",
            Check(Message, Stored("{}")));

    [Fact]
    public void User_fields_that_are_not_declared_are_rejected() =>
        Assert.Equal(
            "Object contains extra field `title` that is not in the validator.\n\nObject: {body: \"hi\", title: " +
            "\"x\"}\n" +
            "Validator: v.object({author: v.optional(v.id(\"users\")), body: v.string()})",
            Check(Message, Stored("""{"body": "hi", "title": "x"}""")));

    [Fact]
    public void Declared_system_fields_are_ignored()
    {
        // A schema may spell out _id; the backend drops it rather than checking it.
        var withId = Validator.Object([
            new("_id", FieldValidator.Required(Validator.Id("users"))),
            new("body", FieldValidator.Required(Validator.String)),
        ]);
        Assert.Null(Check(withId, Stored("""{"body": "hi"}""")));
        Assert.Equal("v.object({body: v.string()})", withId.WithoutTopLevelSystemFields().ToString());
    }

    [Fact]
    public void Unions_of_objects_accept_a_document_matching_any_member()
    {
        var shapes = Validator.Union(
            Validator.Object([new("body", FieldValidator.Required(Validator.String))]),
            Validator.Object([new("count", FieldValidator.Required(Validator.Float64))]));
        Assert.Null(Check(shapes, Stored("""{"count": 2}""")));
        Assert.Equal(
            "Value does not match validator.\n\nValue: {body: 1.0}\n" +
            "Validator: v.union(v.object({body: v.string()}), v.object({count: v.float64()}))",
            Check(shapes, Stored("""{"body": 1}""")));
    }

    [Fact]
    public void Any_accepts_every_document() =>
        Assert.Null(Check(Validator.Any, Stored("""{"anything": [1, 2]}""")));
}
