using Convex.Sim.Runtime;
using Microsoft.Extensions.Logging;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Server.Sync;

/// <summary>
/// Deletes the records that make re-sent mutations idempotent once they are two weeks old, as the
/// official backend does (convex-compat §3.7.3): a client that re-sends a mutation later than that
/// runs it again. Runs once at start and then hourly until the server stops.
/// </summary>
internal sealed class SessionRequestExpiry(DatabaseEngine database, IRuntime runtime, ILogger logger)
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(14);

    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private const int Batch = 1000;

    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Interval, runtime.Time);
        try
        {
            do
            {
                var cutoff = (runtime.Time.GetUtcNow() - Retention).ToUnixTimeMilliseconds();
                var deleted = await database.ExpireSessionRequestsAsync(cutoff, Batch, stopping);
                if (deleted > 0)
                {
                    Log.SessionRequestsExpired(logger, deleted);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The server is stopping.
        }
        catch (Core.ConvexException e)
        {
            // The database stopped (a persistence failure is reported where it happened); no retry.
            Log.SessionRequestExpiryStopped(logger, e.Message);
        }
    }
}
