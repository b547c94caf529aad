using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Server.Http;
using Convex.Sim.Sync;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Server.Deployment;

/// <summary>
/// Changes the deployment's environment variables (convex-compat §6.9.3, §7.13): one update at a
/// time, validated as a whole, persisted before the runner sees it, then every subscription is
/// re-run, because queries may read <c>process.env</c> and the values are not part of their read sets.
/// </summary>
internal sealed class EnvironmentCoordinator(
    EnvironmentStore store, FunctionRunner runner, DatabaseEngine database, SubscriptionManager subscriptions)
    : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private EnvironmentVariables _variables = EnvironmentVariables.Empty;
    private Uri? _cloudUrl;
    private Uri? _siteUrl;

    public EnvironmentVariables Variables => Volatile.Read(ref _variables);

    /// <summary>Loads the stored variables and hands them to the runner (before any request).</summary>
    public void Restore()
    {
        Volatile.Write(ref _variables, store.Read());
        Publish();
    }

    /// <summary>The built-in <c>CONVEX_CLOUD_URL</c>/<c>CONVEX_SITE_URL</c>, once the ports are bound.</summary>
    public void SetUrls(Uri cloudUrl, Uri siteUrl)
    {
        Invariant.Assert(cloudUrl.IsAbsoluteUri);
        Invariant.Assert(siteUrl.IsAbsoluteUri);
        _cloudUrl = cloudUrl;
        _siteUrl = siteUrl;
        Publish();
    }

    /// <summary>Applies <paramref name="changes"/> atomically: all of them or, on a rule broken, none (400).</summary>
    public async Task UpdateAsync(IReadOnlyList<EnvironmentVariableChange> changes, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            EnvironmentVariables next;
            try
            {
                next = Variables.Apply(changes);
            }
            catch (ConvexException e)
            {
                throw ApiError.BadRequest(e.Code, e.Message);
            }

            store.Write(next);
            Volatile.Write(ref _variables, next);
            Publish();
        }
        finally
        {
            _gate.Release();
        }

        await subscriptions.NotifyDeployAsync(database.LatestTs);
    }

    public void Dispose() => _gate.Dispose();

    private void Publish() => runner.SetEnvironment(new DeploymentEnvironment(
        Variables, _cloudUrl?.ToString().TrimEnd('/'), _siteUrl?.ToString().TrimEnd('/')));
}
