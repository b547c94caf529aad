using System.Buffers.Binary;
using System.Text.Json;

namespace Convex.Sim.Server.Tests;

/// <summary><c>/api/query_at_ts</c> and <c>/api/query_batch</c> (convex-compat §4.1).</summary>
public sealed class QueryAtTimestampTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private async Task SendAsync(string channel, string body)
    {
        var (status, result) = await Server.PostAsync("/api/mutation",
            $$"""{"path":"messages:send","args":{"author":"t","body":"{{body}}","channel":"{{channel}}"},"format":"json"}""");
        Assert.Equal(200, status);
        Assert.Equal("success", result.GetProperty("status").GetString());
    }

    private async Task<string> LatestTsAsync()
    {
        var (status, body) = await Server.PostAsync("/api/query_ts", "");
        Assert.Equal(200, status);
        return body.GetProperty("ts").GetString()!;
    }

    [Fact]
    public async Task A_query_at_an_earlier_timestamp_sees_the_data_as_of_then()
    {
        await SendAsync("at-ts", "first");
        var then = await LatestTsAsync();
        await SendAsync("at-ts", "second");

        var (status, past) = await Server.PostAsync("/api/query_at_ts",
            $$"""{"path":"messages:list","args":{"channel":"at-ts"},"ts":"{{then}}","format":"json"}""");
        Assert.Equal(200, status);
        Assert.Equal("first", Assert.Single(past.GetProperty("value").EnumerateArray()).GetProperty("body").GetString());

        var (_, now) = await Server.PostAsync("/api/query",
            """{"path":"messages:list","args":{"channel":"at-ts"},"format":"json"}""");
        Assert.Equal(2, now.GetProperty("value").GetArrayLength());
    }

    [Theory]
    [InlineData("\"not base64!\"")]
    [InlineData("\"AAAA\"")]
    [InlineData("null")]
    public async Task A_malformed_timestamp_is_a_bad_request(string ts)
    {
        var (status, body) = await Server.PostAsync("/api/query_at_ts",
            $$"""{"path":"messages:list","args":{"channel":"x"},"ts":{{ts}}}""");
        Assert.Equal(400, status);
        Assert.Equal("InvalidTimestamp", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_timestamp_after_the_latest_commit_is_a_bad_request()
    {
        var latest = Convert.FromBase64String(await LatestTsAsync());
        var future = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(future, BinaryPrimitives.ReadUInt64LittleEndian(latest) + 1_000_000_000_000);
        var (status, body) = await Server.PostAsync("/api/query_at_ts",
            $$"""{"path":"messages:list","args":{"channel":"x"},"ts":"{{Convert.ToBase64String(future)}}"}""");
        Assert.Equal(400, status);
        Assert.Contains("after the latest commit", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_runs_every_query_at_one_timestamp_and_answers_each_in_order()
    {
        await SendAsync("batch-a", "a1");
        await SendAsync("batch-b", "b1");
        await SendAsync("batch-b", "b2");
        var (status, body) = await Server.PostAsync("/api/query_batch", """
            {"queries":[
              {"path":"messages:list","args":{"channel":"batch-a"},"format":"json"},
              {"path":"messages:list","args":{"channel":"batch-b"},"format":"json"},
              {"path":"messages:nope","args":{},"format":"json"}]}
            """);
        Assert.Equal(200, status);
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.Equal(1, results[0].GetProperty("value").GetArrayLength());
        Assert.Equal(2, results[1].GetProperty("value").GetArrayLength());
        Assert.Equal("error", results[2].GetProperty("status").GetString());
        Assert.Contains("Could not find public function", results[2].GetProperty("errorMessage").GetString(), StringComparison.Ordinal);

        var (badStatus, bad) = await Server.PostAsync("/api/query_batch", """{"nothing":[]}""");
        Assert.Equal(400, badStatus);
        Assert.Equal(JsonValueKind.String, bad.GetProperty("message").ValueKind);
    }
}
