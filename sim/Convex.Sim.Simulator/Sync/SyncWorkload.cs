using Convex.Sim.Core;
using Convex.Sim.Simulator.Checkers.Sync;
using Convex.Sim.Simulator.Scheduling;

namespace Convex.Sim.Simulator.Sync;

/// <summary>
/// What one simulated application does with its client: subscribes to the read query of a few
/// keys, then runs its operations with a random think time between them: appends of globally
/// unique elements by mutation (mostly) or action, with at most a few requests in flight, and
/// subscription changes (subscribe to another key, or drop one).
/// </summary>
internal sealed class SyncWorkload(
    ISyncClient client, SyncOptions options, SimLoop loop, SyncRecorder recorder, IRandom random)
{
    private readonly List<Task> _inFlight = [];

    public async Task RunAsync(CancellationToken ct)
    {
        var initial = random.NextInt(1, options.QueriesPerClientMax + 1);
        for (var i = 0; i < initial; i++)
        {
            SubscribeOne();
        }

        for (var op = 0; op < options.OpsPerClient; op++)
        {
            var think = TimeSpan.FromTicks((long)random.NextBelow((ulong)options.ThinkTimeMax.Ticks + 1));
            await Task.Delay(think, loop.Time, ct);
            if (options.AuthPercent > 0 && random.NextInt(0, 100) < options.AuthPercent)
            {
                ChangeAuth();
                continue;
            }

            var roll = random.NextInt(0, 100);
            if (roll < 15)
            {
                ChangeSubscriptions();
                continue;
            }

            _inFlight.RemoveAll(t => t.IsCompleted);
            while (_inFlight.Count >= options.RequestsInFlightMax)
            {
                await _inFlight[0];
                _inFlight.RemoveAll(t => t.IsCompleted);
            }

            var kind = roll < 15 + options.ActionPercent ? RequestKind.Action : RequestKind.Mutation;
            var key = SyncScenario.KeyName(random.NextInt(0, options.KeyCount));
            _inFlight.Add(client.RequestAsync(kind, key, recorder.NextElement()));
        }
    }

    /// <summary>Authenticates with the admin key (sometimes a wrong one), or clears the identity.</summary>
    private void ChangeAuth()
    {
        if (client.IsAuthenticated && random.Chance(1, 2))
        {
            client.ClearAuth();
        }
        else
        {
            client.SetAdminAuth(wrongKey: random.NextInt(0, 100) < options.WrongKeyPercent);
        }
    }

    private void ChangeSubscriptions()
    {
        var active = client.ActiveKeys.Count;
        if (active > 0 && (active >= options.QueriesPerClientMax || random.Chance(1, 2)))
        {
            var keys = client.ActiveKeys.Order(StringComparer.Ordinal).ToList();
            client.Unsubscribe(keys[random.NextInt(0, keys.Count)]);
        }
        else
        {
            SubscribeOne();
        }
    }

    private void SubscribeOne()
    {
        var free = Enumerable.Range(0, options.KeyCount).Select(SyncScenario.KeyName)
            .Where(k => !client.ActiveKeys.Contains(k)).ToList();
        if (free.Count > 0)
        {
            client.Subscribe(free[random.NextInt(0, free.Count)]);
        }
    }
}
