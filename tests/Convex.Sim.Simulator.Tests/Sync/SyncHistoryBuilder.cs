using Convex.Sim.Core;
using Convex.Sim.Simulator.Checkers.Sync;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Simulator.Tests.Sync;

/// <summary>Builds sync histories by hand, for checker tests: one client, one key "k" unless told.</summary>
internal sealed class SyncHistoryBuilder
{
    private readonly List<ObservedTransition> _transitions = [];
    private readonly List<ObservedRequest> _requests = [];
    private readonly List<FinalView> _finals = [];
    private readonly SortedDictionary<string, IReadOnlyList<long>> _data = new(StringComparer.Ordinal);
    private Timestamp _finalTs;

    public static Timestamp Ts(ulong value) => new(value);

    public static ObservedResult Result(string key, params long[] items) => new(0, key, QueryResult.Of(items));

    /// <summary>A transition of <paramref name="client"/> on <paramref name="connection"/> from ts start to ts end.</summary>
    public SyncHistoryBuilder Transition(ulong start, ulong end, ObservedResult[] shown, ObservedResult[] held,
        int client = 0, long connection = 1, ulong maxObservedBefore = 0)
    {
        _transitions.Add(new ObservedTransition(client, connection, Version(start), Version(end), Ts(maxObservedBefore),
            shown, held));
        return this;
    }

    public SyncHistoryBuilder Request(uint id, long element, RequestOutcome outcome, ulong? responseTs = null,
        ulong? resolvedAt = null, QueryResult? held = null, RequestKind kind = RequestKind.Mutation, string key = "k",
        int client = 0)
    {
        _requests.Add(new ObservedRequest(client, id, kind, key, element, outcome,
            responseTs is { } r ? Ts(r) : null, resolvedAt is { } a ? Ts(a) : null, held,
            outcome == RequestOutcome.Failed ? "boom" : null));
        return this;
    }

    public SyncHistoryBuilder Final(ulong ts, params ObservedResult[] held)
    {
        _finalTs = Ts(ts);
        _finals.Add(new FinalView(0, held));
        return this;
    }

    public SyncHistoryBuilder Data(string key, params long[] items)
    {
        _data[key] = items;
        return this;
    }

    public SyncHistory Build() => new([.. _transitions], [.. _requests], [.. _finals], _finalTs, _data);

    private static StateVersion Version(ulong ts) => new(new QuerySetVersion(1), IdentityVersion.Initial, Ts(ts));
}
