using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Sync.Tests;

/// <summary>Message shapes as the official client reads and writes them (convex-compat §3.3, §3.4).</summary>
public sealed class ProtocolTests
{
    [Fact]
    public void Timestamps_are_the_base64_of_the_little_endian_u64()
    {
        Assert.Equal("AAAAAAAAAAA=", TimestampEncoding.Encode(Timestamp.Zero));
        Assert.Equal("AQAAAAAAAAA=", TimestampEncoding.Encode(new Timestamp(1)));
        var ts = new Timestamp(1_755_800_000_123_456_789);
        Assert.Equal(ts, TimestampEncoding.Decode(TimestampEncoding.Encode(ts)));
        Assert.Throws<ProtocolException>(() => TimestampEncoding.Decode("AQ=="));
    }

    [Fact]
    public void Parses_modify_query_set_with_add_and_remove()
    {
        var message = ClientMessageParser.Parse("""
            {"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[
              {"type":"Add","queryId":4,"udfPath":"messages:list","args":[{"channel":"c","n":{"$integer":"AQAAAAAAAAA="}}],"journal":null},
              {"type":"Remove","queryId":2}],"unknownField":true}
            """);
        var modify = Assert.IsType<ModifyQuerySet>(message);
        Assert.Equal(new QuerySetVersion(1), modify.NewVersion);
        var add = Assert.IsType<AddQuery>(modify.Modifications[0]);
        Assert.Equal(new QueryId(4), add.QueryId);
        var args = Assert.IsType<ConvexObject>(Assert.Single(add.Args));
        Assert.NotNull(args);
        Assert.IsType<RemoveQuery>(modify.Modifications[1]);
    }

    [Fact]
    public void Parses_connect_mutation_and_authenticate()
    {
        var connect = Assert.IsType<Connect>(ClientMessageParser.Parse(
            """{"type":"Connect","sessionId":"abc","connectionCount":2,"lastCloseReason":null,"maxObservedTimestamp":"AQAAAAAAAAA=","clientTs":1755800000000}"""));
        Assert.Equal("abc", connect.SessionId);
        Assert.Equal(new Timestamp(1), connect.MaxObservedTimestamp);
        var mutation = Assert.IsType<MutationRequest>(ClientMessageParser.Parse(
            """{"type":"Mutation","requestId":3,"udfPath":"messages:send","args":[{}]}"""));
        Assert.Equal(3u, mutation.RequestId);
        var auth = Assert.IsType<Authenticate>(ClientMessageParser.Parse(
            """{"type":"Authenticate","tokenType":"None","baseVersion":1}"""));
        Assert.Equal(TokenType.None, auth.TokenType);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"type":"Mutation","udfPath":"a:b","args":[]}""")]
    [InlineData("""{"type":"Mutation","requestId":-1,"udfPath":"a:b","args":[]}""")]
    [InlineData("""{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[{"type":"Swap","queryId":1}]}""")]
    public void Rejects_malformed_messages(string text) =>
        Assert.Throws<ProtocolException>(() => ClientMessageParser.Parse(text));

    [Fact]
    public void Writes_a_transition_in_the_client_shape()
    {
        var start = StateVersion.Initial;
        var end = new StateVersion(new QuerySetVersion(1), IdentityVersion.Initial, new Timestamp(1));
        var text = ServerMessageWriter.Write(new Transition(start, end,
            [new QueryUpdated(new QueryId(0), new ConvexArray([]), [], null), new QueryRemoved(new QueryId(1))], 0, null));
        Assert.Equal(
            """{"type":"Transition","startVersion":{"querySet":0,"identity":0,"ts":"AAAAAAAAAAA="},"endVersion":{"querySet":1,"identity":0,"ts":"AQAAAAAAAAA="},"modifications":[{"type":"QueryUpdated","queryId":0,"value":[],"logLines":[],"journal":null},{"type":"QueryRemoved","queryId":1}],"clientClockSkew":0,"serverTs":null}""",
            text);
    }

    [Fact]
    public void A_value_encoded_once_for_many_sessions_is_written_as_the_value_itself()
    {
        var value = ConvexJson.Decode("""{"n":{"$integer":"AQAAAAAAAAA="},"s":"é\u0000","f":1.5}""");
        var end = new StateVersion(new QuerySetVersion(1), IdentityVersion.Initial, new Timestamp(1));
        Transition With(string? json) => new(StateVersion.Initial, end,
            [new QueryUpdated(new QueryId(0), value, [], null) { ValueJson = json }], null, null);

        var encodedOnce = ServerMessageWriter.Write(With(ConvexJson.Encode(value)));
        Assert.Equal(ServerMessageWriter.Write(With(null)), encodedOnce);
        Assert.Contains("\"$integer\":\"AQAAAAAAAAA=\"", encodedOnce, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_mutation_responses()
    {
        var ok = ServerMessageWriter.Write(new MutationResponse(3,
            new FunctionOutcome(ConvexNull.Instance, null, null, ["[LOG] hi"]), new Timestamp(1)));
        Assert.Equal("""{"type":"MutationResponse","requestId":3,"success":true,"result":null,"logLines":["[LOG] hi"],"ts":"AQAAAAAAAAA="}""", ok);
        var failed = ServerMessageWriter.Write(new MutationResponse(4,
            new FunctionOutcome(null, "Uncaught Error: boom", new ConvexString("data"), []), null));
        Assert.Equal("""{"type":"MutationResponse","requestId":4,"success":false,"result":"Uncaught Error: boom","logLines":[],"errorData":"data","ts":null}""", failed);
    }
}
