using Convex.Sim.Core.Validators;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Validators;

/// <summary><c>v.id("t")</c>: the string must decode as an ID and its table number must map to t.</summary>
public sealed class IdValidatorTests
{
    private static readonly Validator Users = Validator.Id("users");

    private static string? Check(Validator validator, ConvexValue value) =>
        validator.Validate(value, TestTables.Lookup)?.Message;

    [Fact]
    public void An_id_of_the_named_table_passes()
    {
        Assert.Null(Check(Users, new ConvexString(TestTables.UserId)));
        Assert.Null(Check(Users, new ConvexString(TestTables.OtherUserId)));
        Assert.Null(Check(Validator.Id("_storage"), new ConvexString(TestTables.StorageId)));
    }

    [Fact]
    public void An_id_of_another_table_names_both_tables()
    {
        var error = Users.Validate(new ConvexString(TestTables.MessageId), TestTables.Lookup);
        Assert.NotNull(error);
        Assert.Equal(ValidationErrorKind.TableNameMismatch, error.Kind);
        Assert.Equal(
            $"Found ID \"{TestTables.MessageId}\" from table `messages`, which does not match the table name in " +
            "validator `v.id(\"users\")`.",
            error.Message);
    }

    [Fact]
    public void The_path_follows_the_sentence_directly() =>
        Assert.Equal(
            $"Found ID \"{TestTables.MessageId}\" from table `messages`, which does not match the table name in " +
            "validator `v.id(\"users\")`.Path: .author",
            Check(Validator.Object([new("author", FieldValidator.Required(Users))]),
                ConvexObject.Empty.With("author", new ConvexString(TestTables.MessageId))));

    [Fact]
    public void An_id_of_a_system_table_is_reported_as_such() =>
        Assert.Equal(
            $"Found ID \"{TestTables.StorageId}\" from a system table, which does not match the table name in " +
            $"validator " +
            "`v.id(\"users\")`.",
            Check(Users, new ConvexString(TestTables.StorageId)));

    [Fact]
    public void Strings_that_are_not_ids_and_ids_of_unknown_tables_do_not_match()
    {
        Assert.Equal("Value does not match validator.\n\nValue: \"abc\"\nValidator: v.id(\"users\")",
            Check(Users, new ConvexString("abc")));
        Assert.Equal($"Value does not match validator.\n\nValue: \"{TestTables.UnknownTableId}\"\nValidator: " +
            $"v.id(\"users\")",
            Check(Users, new ConvexString(TestTables.UnknownTableId)));
        var corrupted = TestTables.UserId[..^1] + (TestTables.UserId[^1] == 'a' ? 'b' : 'a');
        Assert.Equal($"Value does not match validator.\n\nValue: \"{corrupted}\"\nValidator: v.id(\"users\")",
            Check(Users, new ConvexString(corrupted)));
        Assert.Equal("Value does not match validator.\n\nValue: 1.0\nValidator: v.id(\"users\")",
            Check(Users, new ConvexFloat64(1)));
    }

    [Fact]
    public void Ids_pass_plain_string_validators() =>
        Assert.Null(Check(Validator.String, new ConvexString(TestTables.MessageId)));
}
