using Convex.Sim.Core.Values;
using Convex.Sim.Database.Schema;

namespace Convex.Sim.Database.Tests.Schema;

/// <summary>Checking documents against a schema: the push-time report and write-time enforcement.</summary>
public sealed class SchemaCheckTests
{
    private static readonly DatabaseSchema Chat = DatabaseSchema.Parse(SchemaFixtures.ChatSchema);

    private static ConvexObject Document(string id, string json) => ((ConvexObject)ConvexJson.Decode(json))
        .With("_id", new ConvexString(id))
        .With("_creationTime", new ConvexFloat64(1_700_000_000_000));

    private static ConvexObject Message(ulong n, string author, string channel, string? body) =>
        Document(SchemaFixtures.MessageId(n), "{}")
            .With("author", new ConvexString(author))
            .With("channel", new ConvexString(channel))
            .With("body", body is null ? ConvexNull.Instance : new ConvexString(body));

    [Fact]
    public void Matching_documents_produce_no_report()
    {
        var documents = new (string, ConvexObject)[]
        {
            ("users", Document(SchemaFixtures.UserId(1), """{"kind": "human", "name": "Ada"}""")),
            ("users", Document(SchemaFixtures.UserId(2), "{}").With("kind", new ConvexString("bot"))
                .With("name", new ConvexString("Bot")).With("owner", new ConvexString(SchemaFixtures.UserId(1)))),
            ("messages", Message(1, SchemaFixtures.UserId(1), SchemaFixtures.ChannelId(1), "hello")),
            ("channels", Document(SchemaFixtures.ChannelId(1), """{"anything": [1, "goes"]}""")),
            ("logs", Document(SchemaFixtures.StorageId(1), """{"free": "form"}""")),
            ("unmentioned", Document(SchemaFixtures.StorageId(2), """{"x": 1}""")),
        };
        Assert.Empty(SchemaCheck.Run(Chat, documents, SchemaFixtures.Lookup));
    }

    [Fact]
    public void Violations_are_reported_in_input_order_with_table_id_and_error()
    {
        var badBody = Message(1, SchemaFixtures.UserId(1), SchemaFixtures.ChannelId(1), body: null);
        var wrongTable = Message(2, SchemaFixtures.ChannelId(9), SchemaFixtures.ChannelId(1), "hi");
        var badUser = Document(SchemaFixtures.UserId(3), """{"kind": "alien", "name": "Zork"}""");
        var documents = new (string, ConvexObject)[]
        {
            ("messages", badBody),
            ("messages", Message(3, SchemaFixtures.UserId(1), SchemaFixtures.ChannelId(1), "fine")),
            ("users", badUser),
            ("messages", wrongTable),
        };

        var report = SchemaCheck.Run(Chat, documents, SchemaFixtures.Lookup);

        Assert.Equal(
            [
                ("messages", SchemaFixtures.MessageId(1)),
                ("users", SchemaFixtures.UserId(3)),
                ("messages", SchemaFixtures.MessageId(2)),
            ],
            report.Select(v => (v.Table, v.DocumentId!)));
        Assert.Equal(
            $"Document with ID \"{SchemaFixtures.MessageId(1)}\" in table \"messages\" does not match the schema: " +
            "Value does not match validator.\nPath: .body\nValue: null\nValidator: v.string()",
            report[0].Message);
        Assert.Equal(
            $"Document with ID \"{SchemaFixtures.UserId(3)}\" in table \"users\" does not match the schema: " +
            "Value does not match validator.\n\nValue: {kind: \"alien\", name: \"Zork\"}\n" +
            "Validator: v.union(v.object({kind: v.literal(\"human\"), name: v.string()}), " +
            "v.object({kind: v.literal(\"bot\"), name: v.string(), owner: v.id(\"users\")}))",
            report[1].Message);
        Assert.Equal(
            $"Document with ID \"{SchemaFixtures.MessageId(2)}\" in table \"messages\" does not match the schema: " +
            $"Found ID \"{SchemaFixtures.ChannelId(9)}\" from table `channels`, which does not match the table " +
            $"name in " +
            "validator `v.id(\"users\")`.Path: .author",
            report[2].Message);
    }

    [Fact]
    public void Nothing_is_checked_when_schema_validation_is_off()
    {
        var off = DatabaseSchema.Parse(SchemaFixtures.ChatSchema.Replace(
            "\"schemaValidation\": true", "\"schemaValidation\": false", StringComparison.Ordinal));
        Assert.False(off.SchemaValidation);
        var junk = Document(SchemaFixtures.MessageId(1), """{"junk": true}""");
        Assert.Empty(SchemaCheck.Run(off, [("messages", junk)], SchemaFixtures.Lookup));
        Assert.Null(off.CheckWrite("messages", junk, SchemaFixtures.Lookup));
        Assert.Null(off.EnforcedDocumentType("messages"));
    }

    [Fact]
    public void Writes_are_enforced_with_the_write_time_message()
    {
        var draft = (ConvexObject)ConvexJson.Decode("""{"body": "hi"}""");
        var violation = Chat.CheckWrite("messages", draft, SchemaFixtures.Lookup);
        Assert.NotNull(violation);
        Assert.Null(violation.DocumentId);
        Assert.Equal(
            "Failed to insert or update a document in table \"messages\" because it does not match the schema: " +
            "Object is missing the required field `author`. Consider wrapping the field validator in " +
            "`v.optional(...)` " +
            "if this is expected.\n\nObject: {body: \"hi\"}\n" +
            "Validator: v.object({author: v.id(\"users\"), body: v.string(), channel: v.id(\"channels\"), " +
            "embedding: v.optional(v.array(v.float64())), " +
            "meta: v.optional(v.object({kind: v.union(v.literal(\"text\"), v.literal(\"image\"))}))})",
            violation.Message);
        Assert.Null(Chat.CheckWrite("unmentioned", draft, SchemaFixtures.Lookup));
        Assert.Null(Chat.CheckWrite("logs", draft, SchemaFixtures.Lookup));
        Assert.Null(Chat.CheckWrite(
            "messages",
            Message(1, SchemaFixtures.UserId(1), SchemaFixtures.ChannelId(2), "ok"),
            SchemaFixtures.Lookup));
    }
}
