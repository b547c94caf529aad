using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Simulator.Workloads;

namespace Convex.Sim.Simulator.Sync;

/// <summary>
/// Creates the <c>kv</c> table and its <c>by_key</c> index that listAppend.js reads and writes (both
/// scenarios), retrying through crashes and disk faults until the index exists.
/// </summary>
internal static class SyncSchema
{
    public static async Task CreateAsync(
        DatabaseNode node, Func<CancellationToken, Task> ensureUp, Action crash, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await node.Current!.CreateIndexAsync(ListAppendClient.Table, ListAppendClient.Index, [FieldPath.Parse("key")], ct)
                    .WaitAsync(TimeSpan.FromSeconds(5), node.Time, ct);
                return;
            }
            catch (Exception e) when (e is ConvexException or TimeoutException)
            {
                if (node.Current is { } db && db.Catalog.FindTable(ListAppendClient.Table) is { } t
                    && db.Catalog.FindIndex(t.Number, ListAppendClient.Index) is not null)
                {
                    return; // the commit landed before the failure was reported
                }

                if (node.IsUp)
                {
                    crash();
                }

                await ensureUp(ct);
            }
        }
    }
}
