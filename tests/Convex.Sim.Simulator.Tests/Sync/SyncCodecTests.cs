using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Simulator.Sync;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Simulator.Tests.Sync;

/// <summary>The simulated client speaks the real protocol: the server's parser reads what it writes, and it reads what the server writes.</summary>
public sealed class SyncCodecTests
{
    [Fact]
    public void The_server_parses_every_message_the_client_writes()
    {
        var args = new ConvexValue[] { ConvexObject.Empty.With("key", new ConvexString("k0")) };
        var connect = (Connect)ClientMessageParser.Parse(ClientMessageWriter.Write(
            new Connect("s-1", 2, "ConnectionLost", new Timestamp(42), 1000)));
        Assert.Equal(("s-1", 2u, new Timestamp(42)), (connect.SessionId, connect.ConnectionCount, connect.MaxObservedTimestamp!.Value));

        var modify = (ModifyQuerySet)ClientMessageParser.Parse(ClientMessageWriter.Write(new ModifyQuerySet(
            new QuerySetVersion(0), new QuerySetVersion(1),
            [new AddQuery(new QueryId(3), "listAppend:read", args, null), new RemoveQuery(new QueryId(1))])));
        Assert.Equal(1u, modify.NewVersion.Value);
        Assert.Equal([3u, 1u], modify.Modifications.Select(m => m.QueryId.Value));

        var mutation = (MutationRequest)ClientMessageParser.Parse(ClientMessageWriter.Write(new MutationRequest(7, "listAppend:appendOne", args)));
        Assert.Equal((7u, "listAppend:appendOne"), (mutation.RequestId, mutation.UdfPath));
        Assert.IsType<ActionRequest>(ClientMessageParser.Parse(ClientMessageWriter.Write(new ActionRequest(8, "a:b", args))));
    }

    [Fact]
    public void The_client_reads_every_message_the_server_writes()
    {
        var start = new StateVersion(new QuerySetVersion(1), IdentityVersion.Initial, new Timestamp(5));
        var end = start with { Ts = new Timestamp(9) };
        var transition = (Transition)ServerMessageReader.Read(ServerMessageWriter.Write(new Transition(start, end,
            [new QueryUpdated(new QueryId(0), new ConvexArray([new ConvexInt64(1)]), [], null),
             new QueryFailed(new QueryId(1), "boom", [], null, null),
             new QueryRemoved(new QueryId(2))], null, null)));
        Assert.Equal((start, end), (transition.StartVersion, transition.EndVersion));
        Assert.Equal(3, transition.Modifications.Count);

        var ok = (MutationResponse)ServerMessageReader.Read(ServerMessageWriter.Write(
            new MutationResponse(4, new FunctionOutcome(ConvexNull.Instance, null, null, []), new Timestamp(9))));
        Assert.Equal((4u, true, new Timestamp(9)), (ok.RequestId, ok.Outcome.Succeeded, ok.Ts!.Value));
        var failed = (MutationResponse)ServerMessageReader.Read(ServerMessageWriter.Write(
            new MutationResponse(5, new FunctionOutcome(null, "Server Error", null, []), null)));
        Assert.Equal(("Server Error", (Timestamp?)null), (failed.Outcome.ErrorMessage, failed.Ts));
        Assert.IsType<Ping>(ServerMessageReader.Read(ServerMessageWriter.Write(Ping.Instance)));
    }
}
