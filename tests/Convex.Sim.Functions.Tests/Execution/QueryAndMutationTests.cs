using Convex.Sim.Testing.Corpus;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Tests.Corpus;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;

namespace Convex.Sim.Functions.Tests.Execution;

public sealed class QueryAndMutationTests
{
    [Fact]
    public async Task A_mutation_inserts_and_a_query_reads_the_document_back()
    {
        var backend = await StartAsync();
        var sent = await backend.MutationAsync("messages:send", Obj(("author", S("ada")), ("body", S("hi")), ("channel", S("general"))));
        Assert.True(sent.Succeeded, sent.ErrorMessage);
        var id = Assert.IsType<ConvexString>(sent.Value);

        var got = await backend.QueryAsync("messages:get", Obj(("id", id)));
        Assert.True(got.Succeeded, got.ErrorMessage);
        var doc = Assert.IsType<ConvexObject>(got.Value);
        Assert.Equal("hi", ((ConvexString)doc["body"]!).Value);
        Assert.Equal(id.Value, ((ConvexString)doc["_id"]!).Value);
        Assert.True(got.Ts >= sent.Ts, "a query at the latest timestamp sees the committed insert");
    }
}
