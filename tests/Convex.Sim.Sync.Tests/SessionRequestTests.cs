using System.Text.Json;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;
using static Convex.Sim.Sync.Tests.SyncHarness;

namespace Convex.Sim.Sync.Tests;

/// <summary>
/// Requests over a session: mutation idempotency across reconnects (convex-compat §3.7.3),
/// ordering of mutations and actions, admin authentication, chunked transitions and overload.
/// </summary>
public sealed class SessionRequestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> CountAsync(Backend backend, string channel)
    {
        var args = (ConvexObject)ConvexJson.Decode($$"""{"channel":"{{channel}}"}""");
        var result = await backend.Runner.RunQueryAsync(new FunctionCall("messages:list", args), Ct);
        return ((ConvexArray)result.Value!).Items.Length;
    }

    private static async Task<JsonElement> MutateOnNewConnectionAsync(Backend backend, string sessionId, uint requestId, string channel)
    {
        var (client, running) = Open(backend);
        client.Send(Connect(sessionId));
        client.Send(Send(requestId, channel, "once"));
        var response = await ExpectAsync(client, "MutationResponse");
        await ExpectAsync(client, "Transition");
        client.Disconnect();
        await running;
        return response;
    }

    [Fact]
    public async Task A_mutation_resent_after_a_reconnect_answers_the_first_outcome_without_running_again()
    {
        var backend = await StartBackendAsync();
        var first = await MutateOnNewConnectionAsync(backend, "session-a", 5, "dedup");
        var again = await MutateOnNewConnectionAsync(backend, "session-a", 5, "dedup");

        Assert.True(again.GetProperty("success").GetBoolean());
        Assert.Equal(Ts(first.GetProperty("ts")), Ts(again.GetProperty("ts")));
        Assert.Equal(first.GetProperty("result").GetRawText(), again.GetProperty("result").GetRawText());
        Assert.Equal(1, await CountAsync(backend, "dedup"));
    }

    [Fact]
    public async Task The_same_request_id_from_another_session_or_a_new_request_id_runs_again()
    {
        var backend = await StartBackendAsync();
        await MutateOnNewConnectionAsync(backend, "session-a", 1, "distinct");
        await MutateOnNewConnectionAsync(backend, "session-b", 1, "distinct");
        await MutateOnNewConnectionAsync(backend, "session-a", 2, "distinct");
        Assert.Equal(3, await CountAsync(backend, "distinct"));
    }

    [Fact]
    public async Task Copies_of_one_request_racing_on_two_connections_commit_once()
    {
        var backend = await StartBackendAsync();
        var (one, runningOne) = Open(backend);
        var (two, runningTwo) = Open(backend);
        one.Send(Connect("racer"));
        two.Send(Connect("racer", connectionCount: 1));
        one.Send(Send(9, "race", "x"));
        two.Send(Send(9, "race", "x"));
        var a = await ExpectAsync(one, "MutationResponse");
        var b = await ExpectAsync(two, "MutationResponse");
        Assert.True(a.GetProperty("success").GetBoolean());
        Assert.True(b.GetProperty("success").GetBoolean());
        Assert.Equal(Ts(a.GetProperty("ts")), Ts(b.GetProperty("ts")));
        Assert.Equal(1, await CountAsync(backend, "race"));
        one.Disconnect();
        two.Disconnect();
        await Task.WhenAll(runningOne, runningTwo);
    }

    [Fact]
    public async Task A_failed_mutation_is_not_recorded_and_runs_again_when_resent()
    {
        var backend = await StartBackendAsync();
        var (client, running) = Open(backend);
        client.Send(Connect("failing"));
        const string Failing = """{"type":"Mutation","requestId":3,"udfPath":"messages:throwsAfterWrite","args":[{"channel":"rolled"}]}""";
        client.Send(Failing);
        var first = await ExpectAsync(client, "MutationResponse");
        await ExpectAsync(client, "Transition");
        client.Send(Failing);
        var second = await ExpectAsync(client, "MutationResponse");
        Assert.False(first.GetProperty("success").GetBoolean());
        Assert.False(second.GetProperty("success").GetBoolean());
        Assert.Contains("abort after write", second.GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(backend, "rolled"));
        client.Disconnect();
        await running;
    }

    [Fact]
    public async Task A_slow_action_does_not_hold_back_a_later_mutation()
    {
        var backend = await StartBackendAsync();
        var (client, running) = Open(backend);
        client.Send(Connect("actions"));
        client.Send("""{"type":"Action","requestId":1,"udfPath":"actions:sleep","args":[{"ms":1500}]}""");
        client.Send(Send(2, "after-action", "quick"));
        var firstResponse = await client.ReceiveFromServerAsync();
        Assert.Equal("MutationResponse", Type(firstResponse));
        Assert.Equal(2, firstResponse.GetProperty("requestId").GetInt32());
        await ExpectAsync(client, "Transition");
        var action = await ExpectAsync(client, "ActionResponse");
        Assert.Equal(1, action.GetProperty("requestId").GetInt32());
        Assert.True(action.GetProperty("success").GetBoolean());
        client.Disconnect();
        await running;
    }

    [Fact]
    public async Task An_admin_key_is_confirmed_by_a_transition_and_opens_internal_functions()
    {
        var backend = await StartBackendAsync();
        var options = new SyncSessionOptions { IsAdminKey = key => key == "the-key" };
        var (client, running) = Open(backend, options);
        const string Internal = """{"type":"Mutation","requestId":REQ,"udfPath":"messages:internalSend","args":[{"author":"a","body":"b","channel":"admin"}]}""";
        client.Send(Internal.Replace("REQ", "1", StringComparison.Ordinal));
        var refused = await ExpectAsync(client, "MutationResponse");
        Assert.False(refused.GetProperty("success").GetBoolean());
        Assert.Contains("Could not find public function", refused.GetProperty("result").GetString(), StringComparison.Ordinal);
        await ExpectAsync(client, "Transition");

        client.Send("""{"type":"Authenticate","tokenType":"Admin","value":"the-key","baseVersion":0}""");
        var confirmed = await ExpectAsync(client, "Transition");
        Assert.Equal(0, confirmed.GetProperty("startVersion").GetProperty("identity").GetInt32());
        Assert.Equal(1, confirmed.GetProperty("endVersion").GetProperty("identity").GetInt32());
        client.Send(Internal.Replace("REQ", "2", StringComparison.Ordinal));
        Assert.True((await ExpectAsync(client, "MutationResponse")).GetProperty("success").GetBoolean());
        client.Disconnect();
        await running;
    }

    [Fact]
    public async Task A_wrong_admin_key_is_refused_with_an_auth_error_and_a_close()
    {
        var backend = await StartBackendAsync();
        var (client, running) = Open(backend, new SyncSessionOptions { IsAdminKey = key => key == "the-key" });
        client.Send("""{"type":"Authenticate","tokenType":"Admin","value":"not-it","baseVersion":0}""");
        var error = await ExpectAsync(client, "AuthError");
        Assert.True(error.GetProperty("authUpdateAttempted").GetBoolean());
        await running;
        Assert.Equal("AuthError", client.CloseReason);
    }

    [Theory]
    [InlineData("1.48.0", true)]
    [InlineData("1.27.9", false)]
    [InlineData(null, false)]
    public async Task A_large_transition_goes_in_chunks_to_clients_that_reassemble_them(string? version, bool chunked)
    {
        var backend = await StartBackendAsync();
        for (var i = 0; i < 5; i++)
        {
            await MutateOnNewConnectionAsync(backend, $"filler-{i}", 1, "big");
        }

        var (client, running) = Open(backend, new SyncSessionOptions { ClientVersion = version, TransitionChunkBytesMax = 300 });
        client.Send(Subscribe(0, 0, "big"));
        var first = await client.ReceiveFromServerAsync();
        string json;
        if (chunked)
        {
            Assert.Equal("TransitionChunk", Type(first));
            var total = first.GetProperty("totalParts").GetInt32();
            Assert.True(total > 1);
            var parts = new List<JsonElement> { first };
            for (var part = 1; part < total; part++)
            {
                parts.Add(await ExpectAsync(client, "TransitionChunk"));
            }

            Assert.Equal(Enumerable.Range(0, total), parts.Select(p => p.GetProperty("partNumber").GetInt32()));
            Assert.Single(parts.Select(p => p.GetProperty("transitionId").GetString()).Distinct());
            Assert.All(parts, p => Assert.True(System.Text.Encoding.UTF8.GetByteCount(p.GetProperty("chunk").GetString()!) <= 300));
            json = string.Concat(parts.Select(p => p.GetProperty("chunk").GetString()));
        }
        else
        {
            Assert.Equal("Transition", Type(first));
            json = first.GetRawText();
        }

        using var transition = JsonDocument.Parse(json);
        Assert.Equal("Transition", Type(transition.RootElement));
        var result = Assert.Single(transition.RootElement.GetProperty("modifications").EnumerateArray());
        Assert.Equal(5, result.GetProperty("value").GetArrayLength());
        client.Disconnect();
        await running;
    }

    [Fact]
    public async Task Mutations_beyond_the_pending_limit_close_the_connection_for_a_retry()
    {
        var backend = await StartBackendAsync();
        var (client, running) = Open(backend, new SyncSessionOptions { PendingMutationsMax = 0 });
        client.Send(Connect("overloaded"));
        client.Send(Send(1, "overload", "x"));
        await running;
        Assert.Equal("TooManyConcurrentRequests", client.CloseReason);
        Assert.Equal(0, await CountAsync(backend, "overload"));
    }
}
