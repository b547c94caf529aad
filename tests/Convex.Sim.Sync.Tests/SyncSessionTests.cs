using System.Text.Json;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;
using static Convex.Sim.Sync.Tests.SyncHarness;

namespace Convex.Sim.Sync.Tests;

/// <summary>
/// The session state machine over an in-memory transport, with the corpus deployed on an in-memory
/// database: transitions, mutations with read-your-writes, commit notifications and protocol errors.
/// </summary>
public sealed class SyncSessionTests
{
    private const string ZeroTs = "AAAAAAAAAAA=";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Subscribe_then_mutate_sends_the_write_and_a_transition_after_the_response()
    {
        var backend = await StartBackendAsync();
        var (client, running) = Open(backend);
        client.Send("""{"type":"Connect","sessionId":"s","connectionCount":0,"lastCloseReason":"InitialConnect","clientTs":0}""");
        client.Send(Subscribe(0, 0, "c"));

        var first = await client.ReceiveFromServerAsync();
        Assert.Equal("Transition", first.GetProperty("type").GetString());
        Assert.Equal(ZeroTs, first.GetProperty("startVersion").GetProperty("ts").GetString());
        Assert.Equal(Ts(first.GetProperty("endVersion").GetProperty("ts")), backend.Database.LatestTs.Value);
        var added = Assert.Single(first.GetProperty("modifications").EnumerateArray());
        Assert.Equal("QueryUpdated", added.GetProperty("type").GetString());
        Assert.Equal(0, added.GetProperty("value").GetArrayLength());

        client.Send(Send(1, "c", "hello"));
        // The session's update loop may push the transition with the write before the mutation's own path
        // sends the response; the response is then followed by one more transition, which is what resolves
        // the official client's promise (it settles a completed mutation only on a transition at or after
        // its timestamp). Either way: the response, a transition after it reaching the commit, the write
        // in the first transition that reaches the commit, and every transition chained to the previous one.
        var transitions = new List<JsonElement>();
        JsonElement? response = null;
        var transitionsBeforeResponse = -1;
        while (response is null || transitions.Count == transitionsBeforeResponse)
        {
            var message = await client.ReceiveFromServerAsync();
            if (Type(message) == "MutationResponse")
            {
                Assert.Null(response);
                response = message;
                transitionsBeforeResponse = transitions.Count;
            }
            else
            {
                Assert.Equal("Transition", Type(message));
                transitions.Add(message);
            }
        }

        Assert.True(response.Value.GetProperty("success").GetBoolean());
        Assert.Equal(1, response.Value.GetProperty("requestId").GetInt32());
        var commitTs = Ts(response.Value.GetProperty("ts"));
        Assert.Equal(backend.Database.LatestTs.Value, commitTs);
        Assert.InRange(transitionsBeforeResponse, 0, 1);
        var previous = first;
        foreach (var transition in transitions)
        {
            Assert.Equal(previous.GetProperty("endVersion").GetRawText(), transition.GetProperty("startVersion").GetRawText());
            previous = transition;
        }

        Assert.Equal(commitTs, Ts(transitions[^1].GetProperty("endVersion").GetProperty("ts"))); // the one after the response
        var withWrite = transitions[0];
        Assert.Equal(commitTs, Ts(withWrite.GetProperty("endVersion").GetProperty("ts")));
        var updated = Assert.Single(withWrite.GetProperty("modifications").EnumerateArray());
        Assert.Equal("hello", Assert.Single(updated.GetProperty("value").EnumerateArray()).GetProperty("body").GetString());

        client.Disconnect();
        await running;
        Assert.Equal(0, backend.Subscriptions.Count);
    }

    [Fact]
    public async Task A_commit_elsewhere_resends_only_the_changed_query()
    {
        var backend = await StartBackendAsync();
        var (client, running) = Open(backend);
        client.Send(Subscribe(0, 1, "watched"));
        await client.ReceiveFromServerAsync();
        client.Send(Subscribe(1, 2, "other"));
        var secondSubscribe = await client.ReceiveFromServerAsync();
        // Only the added query is in the transition; the first was not invalidated.
        Assert.Equal(2, Assert.Single(secondSubscribe.GetProperty("modifications").EnumerateArray())
            .GetProperty("queryId").GetInt32());

        var args = (ConvexObject)ConvexJson.Decode("""{"author":"bo","body":"x","channel":"watched"}""");
        var result = await backend.Runner.RunMutationAsync(new FunctionCall("messages:send", args), Ct);
        Assert.True(result.Succeeded);
        await backend.Subscriptions.NotifyCommitAsync(result.Ts);

        var transition = await client.ReceiveFromServerAsync();
        Assert.Equal(result.Ts.Value, Ts(transition.GetProperty("endVersion").GetProperty("ts")));
        var changed = Assert.Single(transition.GetProperty("modifications").EnumerateArray());
        Assert.Equal(1, changed.GetProperty("queryId").GetInt32());

        // A commit that touches nothing the session reads sends nothing.
        var unrelated = (ConvexObject)ConvexJson.Decode("""{"author":"bo","body":"y","channel":"elsewhere"}""");
        var quiet = await backend.Runner.RunMutationAsync(new FunctionCall("messages:send", unrelated), Ct);
        await backend.Subscriptions.NotifyCommitAsync(quiet.Ts);
        Assert.False(client.HasPending);

        client.Disconnect();
        await running;
    }

    [Fact]
    public async Task Remove_acknowledges_with_query_removed()
    {
        var backend = await StartBackendAsync();
        var (client, running) = Open(backend);
        client.Send(Subscribe(0, 3, "r"));
        await client.ReceiveFromServerAsync();
        client.Send("""{"type":"ModifyQuerySet","baseVersion":1,"newVersion":2,"modifications":[{"type":"Remove","queryId":3}]}""");
        var transition = await client.ReceiveFromServerAsync();
        Assert.Equal(2, transition.GetProperty("endVersion").GetProperty("querySet").GetInt32());
        var removed = Assert.Single(transition.GetProperty("modifications").EnumerateArray());
        Assert.Equal("QueryRemoved", removed.GetProperty("type").GetString());
        client.Disconnect();
        await running;
    }

    [Fact]
    public async Task A_failing_mutation_answers_failure_and_still_sends_a_transition()
    {
        var backend = await StartBackendAsync();
        var (client, running) = Open(backend);
        client.Send(Subscribe(0, 0, "f"));
        await client.ReceiveFromServerAsync();
        client.Send("""{"type":"Mutation","requestId":4,"udfPath":"messages:send","args":[{"body":"missing fields"}]}""");
        var response = await client.ReceiveFromServerAsync();
        Assert.False(response.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("ts").ValueKind);
        Assert.Contains("ArgumentValidationError", response.GetProperty("result").GetString(), StringComparison.Ordinal);
        var transition = await client.ReceiveFromServerAsync();
        Assert.Equal("Transition", transition.GetProperty("type").GetString());
        Assert.Equal(0, transition.GetProperty("modifications").GetArrayLength());
        client.Disconnect();
        await running;
    }

    [Theory]
    [InlineData("{oops", "Malformed message")]
    [InlineData("""{"type":"Bogus"}""", "Unknown message type")]
    [InlineData("""{"type":"ModifyQuerySet","baseVersion":2,"newVersion":3,"modifications":[]}""", "BaseVersionMismatch")]
    public async Task Protocol_violations_end_the_session_with_a_fatal_error(string message, string expected)
    {
        var backend = await StartBackendAsync();
        var (client, running) = Open(backend);
        client.Send(message);
        var fatal = await client.ReceiveFromServerAsync();
        Assert.Equal("FatalError", fatal.GetProperty("type").GetString());
        Assert.Contains(expected, fatal.GetProperty("error").GetString(), StringComparison.Ordinal);
        await running;
        Assert.Equal("FatalError", client.CloseReason);
        Assert.Equal(0, backend.Subscriptions.Count);
    }

    [Fact]
    public async Task A_user_token_is_refused_with_an_auth_error()
    {
        var backend = await StartBackendAsync();
        var (client, running) = Open(backend);
        client.Send("""{"type":"Authenticate","tokenType":"User","value":"jwt","baseVersion":0}""");
        var error = await client.ReceiveFromServerAsync();
        Assert.Equal("AuthError", error.GetProperty("type").GetString());
        Assert.True(error.GetProperty("authUpdateAttempted").GetBoolean());
        Assert.Equal(0, error.GetProperty("baseVersion").GetInt32());
        await running;
    }
}
