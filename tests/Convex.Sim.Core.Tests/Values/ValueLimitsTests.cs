using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Values;

/// <summary>Sizes, limits, names and field paths (convex-compat §2.3, §2.6), messages written out by hand.</summary>
public sealed class ValueLimitsTests
{
    private static ConvexObject Nest(int levels, ConvexValue leaf)
    {
        var value = leaf;
        for (var i = 0; i < levels; i++)
        {
            value = ConvexObject.Empty.With("a", value);
        }

        return (ConvexObject)value;
    }

    private static string Rejection(Action action) => Assert.Throws<InvalidValueException>(action).Message;

    [Fact]
    public void Sizes_follow_the_official_formula()
    {
        Assert.Equal(1, ValueSize.Of(ConvexNull.Instance));
        Assert.Equal(1, ValueSize.Of(ConvexBoolean.True));
        Assert.Equal(9, ValueSize.Of(new ConvexInt64(5)));
        Assert.Equal(9, ValueSize.Of(new ConvexFloat64(0.5)));
        Assert.Equal(2 + 4, ValueSize.Of(new ConvexString("😀")));
        Assert.Equal(2 + 2, ValueSize.Of(new ConvexString("é")));
        Assert.Equal(2 + 3, ValueSize.Of(new ConvexBytes([1, 2, 3])));
        Assert.Equal(2 + 1 + 9, ValueSize.Of(ConvexJson.Decode("[null, 1]")));
        Assert.Equal(2 + (1 + 1 + 9) + (2 + 1 + 1), ValueSize.Of(ConvexJson.Decode("""{"a":1,"bb":true}""")));
    }

    [Theory]
    [InlineData(17L, "17 B")]
    [InlineData(1024L, "1 KiB")]
    [InlineData(1536L, "1.50 KiB")]
    [InlineData(1L << 20, "1 MiB")]
    [InlineData(1L << 25, "32 MiB")]
    public void Sizes_print_like_the_backend(long bytes, string text) =>
        Assert.Equal(text, ValueLimits.FormatSize(bytes));

    [Fact]
    public void Documents_over_one_mebibyte_are_rejected_with_the_size()
    {
        // Size = 2 + ("body" 4 + 1 + (2 + n)) = n + 9 bytes; n is chosen to make 1.10 MiB.
        var big = ConvexObject.Empty.With("body", new ConvexString(new string('x', 1_153_433)));
        Assert.Equal("Value is too large (1.10 MiB > maximum size 1 MiB)",
            Rejection(() => ValueLimits.ValidateDocument(big)));
        ValueLimits.Validate(big);
        var justFits = ConvexObject.Empty.With("body", new ConvexString(new string('x', (1 << 20) - 9)));
        ValueLimits.ValidateDocument(justFits);
        var oneOver = ConvexObject.Empty.With("body", new ConvexString(new string('x', (1 << 20) - 8)));
        Assert.StartsWith("Value is too large (", Rejection(() => ValueLimits.ValidateDocument(oneOver)));
    }

    [Fact]
    public void Values_over_32_mebibytes_are_rejected()
    {
        var huge = new ConvexArray([new ConvexBytes(new byte[1 << 24]), new ConvexBytes(new byte[1 << 24])]);
        Assert.Equal("Value is too large (32.00 MiB > maximum size 32 MiB)",
            Rejection(() => ValueLimits.Validate(huge)));
    }

    [Fact]
    public void Nesting_counts_containers_not_scalars()
    {
        ConvexValue deep = ConvexNull.Instance;
        for (var i = 0; i < 64; i++)
        {
            deep = new ConvexArray([deep]);
        }

        ValueLimits.Validate(deep);
        var tooDeep = new ConvexArray([deep]);
        Assert.StartsWith("Value is too nested (nested 65 levels deep > maximum nesting 64) (at path `[0][0]",
            Rejection(() => ValueLimits.Validate(tooDeep)));
    }

    [Fact]
    public void Documents_may_nest_sixteen_levels()
    {
        ValueLimits.ValidateDocument(Nest(16, new ConvexInt64(1)));
        ValueLimits.ValidateDocument(Nest(15, ConvexObject.Empty));
        Assert.Equal("Document is too nested (nested 17 levels deep > maximum nesting 16)",
            Rejection(() => ValueLimits.ValidateDocument(Nest(17, new ConvexInt64(1)))));
        Assert.Equal("Document is too nested (nested 17 levels deep > maximum nesting 16)",
            Rejection(() => ValueLimits.ValidateDocument(Nest(16, ConvexObject.Empty))));
    }

    [Fact]
    public void Arrays_and_objects_have_a_maximum_size()
    {
        var wide = new ConvexArray([.. Enumerable.Repeat<ConvexValue>(ConvexNull.Instance, 8193)]);
        Assert.Equal("Array length is too long (8193 > maximum length 8192) (at path `x`).",
            Rejection(() => ValueLimits.Validate(ConvexObject.Empty.With("x", wide))));
        ValueLimits.Validate(new ConvexArray([.. Enumerable.Repeat<ConvexValue>(ConvexNull.Instance, 8192)]));
        var fields = ConvexObject.From(Enumerable.Range(0, 1025)
            .Select(i => new KeyValuePair<string, ConvexValue>($"f{i}", ConvexNull.Instance)));
        Assert.Equal("Object has too many fields (1025 > maximum number 1024) (at the top level).",
            Rejection(() => ValueLimits.Validate(fields)));
    }

    [Fact]
    public void Top_level_underscore_fields_are_only_the_system_fields()
    {
        var under = ConvexObject.Empty.With("_secret", ConvexNull.Instance);
        Assert.Equal("Field '_secret' starts with an underscore, which is only allowed for system fields like '_id'",
            Rejection(() => ValueLimits.ValidateDocument(under)));
        ValueLimits.ValidateDocument(ConvexObject.Empty
            .With("_id", new ConvexString("x"))
            .With("_creationTime", new ConvexFloat64(1))
            .With("nested", ConvexObject.Empty.With("_allowed", ConvexNull.Instance)));
    }

    [Fact]
    public void Field_names_are_checked_everywhere_in_a_value()
    {
        ValueLimits.Validate(ConvexObject.Empty.With("", ConvexNull.Instance).With(" ~!", ConvexNull.Instance));
        ValueLimits.Validate(ConvexObject.Empty.With(new string('n', 1024), ConvexNull.Instance));
        Assert.Equal("Field name is too long (1025 > maximum 1024) (at path `" + new string('n', 1025) + "`).",
            Rejection(() => ValueLimits.Validate(ConvexObject.Empty.With(new string('n', 1025), ConvexNull.Instance))));
        var dollar = new ConvexArray([ConvexObject.Empty.With("$x", ConvexNull.Instance)]);
        Assert.Equal("Field name $x starts with '$', which is reserved (at path `[0].$x`).",
            Rejection(() => ValueLimits.Validate(dollar)));
        Assert.Equal(
            "Field name a\\u{7f} has invalid character '\\u{7f}': Field names can only contain non-control ASCII " +
            "characters (at path `a\u007f`).",
            Rejection(() => ValueLimits.Validate(ConvexObject.Empty.With("a\u007f", ConvexNull.Instance))));
        Assert.Contains("invalid character 'é'",
            Rejection(() => ValueLimits.Validate(ConvexObject.Empty.With("é", ConvexNull.Instance))));
    }

    [Fact]
    public void Lone_surrogates_are_not_valid_strings()
    {
        var strings = new ConvexArray([new ConvexString("ok😀"), new ConvexString("\ud83d")]);
        var value = ConvexObject.Empty.With("s", strings);
        Assert.Equal("String at path `s[1]` is not valid Unicode: it contains a lone surrogate.",
            Rejection(() => ValueLimits.Validate(value)));
        Assert.Contains("lone surrogate", Rejection(() => ValueLimits.Validate(new ConvexString("\ude00x"))));
    }

    [Theory]
    [InlineData("messages", true)]
    [InlineData("_private", true)]
    [InlineData("a1_b", true)]
    [InlineData("A", true)]
    [InlineData("1abc", false)]
    [InlineData("___", false)]
    [InlineData("has-dash", false)]
    [InlineData("dotted.name", false)]
    [InlineData("é", false)]
    [InlineData("", false)]
    public void Identifiers_follow_the_rules(string name, bool valid) =>
        Assert.Equal(valid, Identifiers.IsValidIdentifier(name));

    [Fact]
    public void Identifiers_are_at_most_64_characters()
    {
        Assert.True(Identifiers.IsValidIdentifier(new string('t', 64)));
        Assert.False(Identifiers.IsValidIdentifier(new string('t', 65)));
    }

    [Fact]
    public void Table_and_index_names_are_validated_with_clear_messages()
    {
        Identifiers.ValidateTableName("messages");
        Assert.StartsWith("Invalid table name: \"my-table\". ",
            Rejection(() => Identifiers.ValidateTableName("my-table")));
        Identifiers.ValidateIndexName("by_author");
        Assert.StartsWith("Invalid index name: \"9lives\". ", Rejection(() => Identifiers.ValidateIndexName("9lives")));
        Assert.Equal(
            "Index name \"by_id\" is reserved. Indexes may not start with an underscore or be named \"by_id\" or " +
            "\"by_creation_time\".",
            Rejection(() => Identifiers.ValidateIndexName("by_id")));
        Assert.StartsWith("Index name \"by_creation_time\" is reserved.",
            Rejection(() => Identifiers.ValidateIndexName("by_creation_time")));
        Assert.StartsWith("Index name \"_hidden\" is reserved.",
            Rejection(() => Identifiers.ValidateIndexName("_hidden")));
    }

    [Fact]
    public void Field_paths_read_nested_values_and_report_missing()
    {
        var doc = (ConvexObject)ConvexJson.Decode("""{"author":{"name":"ann"},"n":1,"list":[{"x":1}]}""");
        Assert.Equal(new ConvexString("ann"), FieldPath.Parse("author.name").GetFrom(doc));
        Assert.Equal(new ConvexFloat64(1), FieldPath.Parse("n").GetFrom(doc));
        Assert.Null(FieldPath.Parse("author.age").GetFrom(doc));
        Assert.Null(FieldPath.Parse("n.x").GetFrom(doc));
        Assert.Null(FieldPath.Parse("list.x").GetFrom(doc));
        Assert.Equal("author.name", FieldPath.Parse("author.name").ToString());
        Assert.Equal(FieldPath.Parse("a.b"), FieldPath.Parse("a.b"));
        Assert.Equal(FieldPath.Parse("a.b").GetHashCode(), FieldPath.Parse("a.b").GetHashCode());
        Assert.NotEqual(FieldPath.Parse("a.b"), FieldPath.Parse("a"));
        Assert.StartsWith("Invalid field path \"a..b\"", Rejection(() => FieldPath.Parse("a..b")));
        Assert.StartsWith("Field name $x starts with '$'", Rejection(() => FieldPath.Parse("a.$x")));
    }
}
