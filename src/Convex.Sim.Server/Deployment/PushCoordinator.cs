using System.Security.Cryptography;
using Convex.Sim.Core;
using Convex.Sim.Database.Schema;
using Convex.Sim.Functions.Analysis;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Runtime;
using Convex.Sim.Server.Auth;
using Convex.Sim.Server.Http;
using Convex.Sim.Sync;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Server.Deployment;

/// <summary>A module the CLI did not re-upload because the server already has it (§6.6.1).</summary>
internal sealed record ModuleHash(string Path, ModuleEnvironment Environment, string Sha256);

/// <summary>What <c>start_push</c> asks for: new modules, reused ones, the schema module.</summary>
internal sealed record PushRequest(
    IReadOnlyList<PushedModule> ChangedModules, IReadOnlyList<ModuleHash> UnchangedModules, PushedModule? Schema,
    bool DryRun);

/// <summary>
/// A push between <c>start_push</c> and <c>finish_push</c>: analyzed, not yet active. The schema is
/// applied (data check, index backfill) by <c>wait_for_schema</c>.
/// </summary>
internal sealed class PendingPush(
    string id, PushedApp app, ActiveDeployment deployment, AuthConfig auth, IndexPlan indexes, bool dryRun)
{
    public string Id { get; } = id;

    public PushedApp App { get; } = app;

    public ActiveDeployment Deployment { get; } = deployment;

    /// <summary>The providers of the push's <c>auth.config.js</c> (none without one).</summary>
    public AuthConfig Auth { get; } = auth;

    /// <summary>The index changes as planned against the catalog at start_push (the diff the CLI shows).</summary>
    public IndexPlan Indexes { get; } = indexes;

    public bool DryRun { get; } = dryRun;

    /// <summary>Set under the deploy gate once the schema's data check and indexes are done.</summary>
    public bool SchemaApplied { get; set; }
}

/// <summary>What <c>finish_push</c> changed, for the diff the CLI prints.</summary>
internal sealed record PushOutcome(
    bool Created, IReadOnlyList<string> ModulesAdded, IReadOnlyList<string> ModulesRemoved,
    IndexPlan Indexes, IReadOnlyList<string> AuthAdded, IReadOnlyList<string> AuthRemoved);

/// <summary>
/// The push protocol of the official CLI (convex-compat §6.6–§6.8) over the <see cref="Deployer"/>
/// seam. Pushes are analyzed concurrently but applied one at a time under a gate. Pending pushes
/// live in memory, keyed by an id carried in the opaque <c>schemaIds</c> of the start_push response;
/// only the newest few are kept, so an abandoned push (a <c>convex codegen</c>, a killed CLI) never
/// blocks a later one. The active app is persisted by <see cref="DeploymentStore"/>; its
/// <c>auth.config.js</c> is one of its modules, so a restart evaluates the same providers again.
/// </summary>
internal sealed class PushCoordinator(
    DatabaseEngine database, FunctionRunner runner, IRuntime runtime, DeploymentStore store, ILogger logger,
    SubscriptionManager subscriptions, TokenValidator tokens)
    : IDisposable
{
    private const int PendingPushesMax = 8;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _pendingLock = new();
    private readonly LinkedList<PendingPush> _pending = new();
    private PushedApp _active = PushedApp.Empty;

    /// <summary>The modules currently served (as pushed, with source maps).</summary>
    public PushedApp Active => Volatile.Read(ref _active);

    /// <summary>Serves the persisted deployment again after a restart, if there is one.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        if (store.TryRead() is not { } app)
        {
            return;
        }

        Invariant.Assert(app.Modules.All(m => m.Environment == ModuleEnvironment.Isolate));
        var deployment = await PrepareAsync(app, cancellationToken);
        tokens.Config = await EvaluateAuthAsync(app, cancellationToken);
        runner.Deploy(deployment);
        Volatile.Write(ref _active, app);
        var functions = deployment.Functions.Modules.Sum(m => m.Functions.Count);
        Log.Deployed(logger, app.Modules.Count, functions, deployment.Schema is not null);
    }

    /// <summary>The in-process seam: analyze, apply the schema, persist and switch in one call.</summary>
    public async Task DeployAsync(PushedApp app, CancellationToken cancellationToken)
    {
        var deployment = await PrepareAsync(app, cancellationToken);
        var auth = await EvaluateAuthAsync(app, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (deployment.Schema is { } schema)
            {
                await Deployer.ApplySchemaAsync(database, schema, cancellationToken);
            }

            Activate(app, deployment, auth);
        }
        finally
        {
            _gate.Release();
        }

        await subscriptions.NotifyDeployAsync(database.LatestTs);
    }

    /// <summary>
    /// <c>start_push</c>: assembles the module set (changed plus reused), analyzes it and registers a
    /// pending push. Nothing user-visible changes.
    /// </summary>
    public async Task<PendingPush> StartPushAsync(PushRequest request, CancellationToken cancellationToken)
    {
        var app = Assemble(request);
        ActiveDeployment deployment;
        AuthConfig auth;
        try
        {
            deployment = await PrepareAsync(app, cancellationToken);
            auth = await EvaluateAuthAsync(app, cancellationToken);
        }
        catch (ConvexException e)
        {
            throw ApiError.BadRequest(e.Code, $"Hit an error while pushing:\n{e.Message}");
        }

        var push = new PendingPush(
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), app, deployment, auth,
            IndexPlan.Between(database, deployment.Schema), request.DryRun);
        lock (_pendingLock)
        {
            _pending.AddLast(push);
            while (_pending.Count > PendingPushesMax)
            {
                _pending.RemoveFirst();
            }
        }

        return push;
    }

    /// <summary>
    /// <c>wait_for_schema</c>: checks the stored documents against the new schema and backfills its new
    /// indexes. Returns null on success, else the failure message (§6.7 <c>failed</c>).
    /// </summary>
    public async Task<string?> WaitForSchemaAsync(string pushId, CancellationToken cancellationToken)
    {
        var push = FindPending(pushId);
        if (push is null)
        {
            return $"Push {pushId} is unknown or was superseded; run the deploy again";
        }

        if (push.DryRun || push.Deployment.Schema is null)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await ApplySchemaAsync(push, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary><c>finish_push</c>: makes the pending push the active deployment, persisted.</summary>
    public async Task<PushOutcome> FinishPushAsync(string pushId, bool dryRun, CancellationToken cancellationToken)
    {
        var push = TakePending(pushId) ?? throw new ApiError(StatusCodes.Status409Conflict, "PushNotFound",
            $"Push {pushId} is unknown or was superseded by newer pushes; run the deploy again");
        if (dryRun || push.DryRun)
        {
            return new PushOutcome(false, [], [], new IndexPlan([], []), [], []);
        }

        PushOutcome outcome;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (await ApplySchemaAsync(push, cancellationToken) is { } failure)
            {
                throw ApiError.BadRequest("SchemaValidationFailed", failure);
            }

            var previous = Active;
            var before = previous.Modules.Select(m => m.Path).ToHashSet(StringComparer.Ordinal);
            var after = push.App.Modules.Select(m => m.Path).ToHashSet(StringComparer.Ordinal);
            var authBefore = tokens.Config.Providers.Select(p => p.Describe()).ToHashSet(StringComparer.Ordinal);
            var authAfter = push.Auth.Providers.Select(p => p.Describe()).ToHashSet(StringComparer.Ordinal);
            outcome = new PushOutcome(
                previous.Modules.Count == 0,
                [.. after.Except(before).Order(StringComparer.Ordinal)],
                [.. before.Except(after).Order(StringComparer.Ordinal)],
                push.Indexes,
                [.. authAfter.Except(authBefore).Order(StringComparer.Ordinal)],
                [.. authBefore.Except(authAfter).Order(StringComparer.Ordinal)]);
            Activate(push.App, push.Deployment, push.Auth);
        }
        finally
        {
            _gate.Release();
        }

        await subscriptions.NotifyDeployAsync(database.LatestTs);
        await runner.WarmUpAsync(1, cancellationToken);
        return outcome;
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Persists, then switches; called under the gate.</summary>
    private void Activate(PushedApp app, ActiveDeployment deployment, AuthConfig auth)
    {
        Invariant.Assert(_gate.CurrentCount == 0);
        store.Write(app);
        tokens.Config = auth;
        runner.Deploy(deployment);
        Volatile.Write(ref _active, app);
        var functions = deployment.Functions.Modules.Sum(m => m.Functions.Count);
        Log.Deployed(logger, app.Modules.Count, functions, deployment.Schema is not null);
    }

    /// <summary>Called under the gate; idempotent per push.</summary>
    private async Task<string?> ApplySchemaAsync(PendingPush push, CancellationToken cancellationToken)
    {
        Invariant.Assert(_gate.CurrentCount == 0);
        if (push.SchemaApplied || push.Deployment.Schema is not { } schema)
        {
            return null;
        }

        try
        {
            await Deployer.ApplySchemaAsync(database, schema, cancellationToken);
        }
        catch (ConvexException e)
        {
            return e.Message;
        }

        push.SchemaApplied = true;
        return null;
    }

    private PushedApp Assemble(PushRequest request)
    {
        var active = Active;
        var modules = new List<PushedModule>(request.ChangedModules);
        foreach (var hash in request.UnchangedModules)
        {
            var existing = active.Find(hash.Path) ?? throw new ApiError(StatusCodes.Status409Conflict,
                "MissingExistingModule", $"Module {hash.Path} is not deployed; push it again (--push-all-modules)");
            if (existing.Sha256 != hash.Sha256 || existing.Environment != hash.Environment)
            {
                throw new ApiError(StatusCodes.Status409Conflict, "ExistingModuleHashConflict",
                    $"Module {hash.Path} changed on the server since its hash was read; run the deploy again");
            }

            modules.Add(existing);
        }

        if (modules.FirstOrDefault(m => m.Environment == ModuleEnvironment.Node) is { } node)
        {
            throw ApiError.BadRequest("NodeActionsNotSupported",
                $"Hit an error while pushing:\n{node.Path} starts with \"use node\", but Convex.Sim does not " +
                "run Node.js actions yet. Remove \"use node\" to run the module in Convex's runtime.");
        }

        modules.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new PushedApp(modules, request.Schema);
    }

    private Task<ActiveDeployment> PrepareAsync(PushedApp app, CancellationToken cancellationToken) =>
        Deployer.PrepareAsync(
            [.. app.Modules.Select(m => m.ToModuleSource())], app.Schema?.ToModuleSource(), runtime, cancellationToken,
            runner.Environment);

    /// <summary>
    /// The providers of the app's <c>auth.config.js</c>, evaluated with the deployment's environment
    /// variables (it usually reads them) and validated; none without the module.
    /// </summary>
    private async Task<AuthConfig> EvaluateAuthAsync(PushedApp app, CancellationToken cancellationToken)
    {
        if (app.Find(AuthConfigEvaluator.ModulePath) is not { } module)
        {
            return AuthConfig.Empty;
        }

        var json = await AuthConfigEvaluator.EvaluateAsync(
            module.ToModuleSource(), runtime.Time, runtime.Random.Fork("auth.config"), runner.Environment,
            cancellationToken);
        return AuthConfig.Parse(json);
    }

    private PendingPush? FindPending(string id)
    {
        lock (_pendingLock)
        {
            return _pending.FirstOrDefault(p => p.Id == id);
        }
    }

    private PendingPush? TakePending(string id)
    {
        lock (_pendingLock)
        {
            var push = _pending.FirstOrDefault(p => p.Id == id);
            if (push is not null)
            {
                _pending.Remove(push);
            }

            return push;
        }
    }
}
