using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Transactions;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Runtime;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// Runs the functions of the active deployment: queries at a snapshot, mutations in OCC
/// transactions retried on conflict, actions outside any transaction. The same code runs in the
/// server and in the simulator; all time, randomness and concurrency come from the runtime.
/// </summary>
public sealed partial class FunctionRunner
{
    private readonly DatabaseEngine _database;
    private readonly IRuntime _runtime;
    private readonly FunctionRunnerOptions _options;
    private readonly IRandom _seeds;
    private volatile Active _active;
    private readonly Lock _seedLock = new();
    private long _requests;

    public FunctionRunner(DatabaseEngine database, IRuntime runtime, FunctionRunnerOptions? options = null)
    {
        _database = database;
        _runtime = runtime;
        _options = options ?? new FunctionRunnerOptions();
        _seeds = runtime.Random.Fork("functions");
        _active = new Active(ActiveDeployment.Empty, new WorkerPool(ModuleSet.Empty, runtime.Time, _options.MaxIdleWorkers, _options.UdfLimits, _options.ValueConversion));
    }

    public ActiveDeployment Deployment => _active.Deployment;

    /// <summary>
    /// Switches atomically to a new deployment (modules, functions, schema). Executions already
    /// running finish on the old one.
    /// </summary>
    public void Deploy(ActiveDeployment deployment) =>
        _active = new Active(deployment, new WorkerPool(deployment.Modules, _runtime.Time, _options.MaxIdleWorkers, _options.UdfLimits, _options.ValueConversion));

    /// <summary>
    /// Prepares <paramref name="workers"/> engines of the active deployment ahead of requests: each
    /// imports every function module (with the import-time host: no syscalls, seeded randomness)
    /// and joins the pool, so the first calls do not pay for module evaluation. A module that fails
    /// to evaluate leaves its engine out; the failure surfaces again on the first call.
    /// </summary>
    public async Task WarmUpAsync(int workers, CancellationToken cancellationToken)
    {
        var active = _active;
        var paths = active.Deployment.Functions.Modules.Select(m => m.Path).ToList();
        var ready = new List<JsWorker>();
        for (var i = 0; i < workers; i++)
        {
            var worker = active.Pool.Rent();
            worker.Clock.Freeze(_runtime.Time.GetUtcNow());
            worker.Bind(new ImportHost(new Analysis.AnalysisHost(NextRandom()), _environment), Analysis.ModuleAnalyzer.DefaultLimits);
            try
            {
                foreach (var path in paths)
                {
                    var outcome = await JsEventLoop.RunAsync(worker, () =>
                    {
                        worker.Import(path);
                        return new Jint.Native.JsString("null");
                    }, cancellationToken);
                    if (!outcome.Succeeded)
                    {
                        worker.Poison();
                        break;
                    }
                }
            }
            finally
            {
                worker.Unbind();
            }

            ready.Add(worker);
        }

        foreach (var worker in ready)
        {
            active.Pool.Return(worker);
        }
    }

    /// <summary>The deployment and the engines prepared for it, swapped together.</summary>
    private sealed record Active(ActiveDeployment Deployment, WorkerPool Pool);

    private async Task<FunctionResult> ExecuteQueryAsync(FunctionCall call, CancellationToken cancellationToken)
    {
        var active = _active;
        var (path, entry, refusal) = Lookup(active, call, UdfKind.Query);
        var transaction = _database.BeginReadOnly(call.At);
        if (refusal is not null)
        {
            return Refused(refusal, transaction.SnapshotTs);
        }

        var (outcome, host) = await ExecuteInTransactionAsync(active, path, UdfKind.Query, call, transaction, cancellationToken);
        var result = ToResult(outcome, host.Logs, transaction.SnapshotTs, transaction) with { Journal = host.JournalOut };
        return CheckReturns(entry, result, transaction.Catalog);
    }

    /// <summary>
    /// Runs a mutation and commits it, re-executing the function on OCC conflicts (Convex's retry
    /// policy, <see cref="Database.DatabaseOptions.MutationAttemptsMax"/>). A function error is a
    /// failed <see cref="FunctionResult"/> and commits nothing.
    /// </summary>
    /// <exception cref="Database.Errors.OccConflictException">Every attempt conflicted.</exception>
    /// <exception cref="Database.Errors.CommitOutcomeUnknownException">Persistence failed during the commit.</exception>
    /// <exception cref="Database.Errors.DatabaseUnavailableException">The database stopped after a persistence failure.</exception>
    private async Task<FunctionResult> ExecuteMutationAsync(FunctionCall call, CancellationToken cancellationToken)
    {
        var active = _active;
        var (path, entry, refusal) = Lookup(active, call, UdfKind.Mutation);
        if (refusal is not null)
        {
            return Refused(refusal, _database.LatestTs);
        }

        LogCollector? logs = null;
        try
        {
            var committed = await _database.RunMutationAsync(async (transaction, ct) =>
            {
                if (call.SessionRequest is { } key && await transaction.FindRecordedMutationAsync(key, ct) is { } recorded)
                {
                    return (outcome: (JsOutcome?)null, transaction, recorded);
                }

                var (executed, host) = await ExecuteInTransactionAsync(active, path, UdfKind.Mutation, call, transaction, ct);
                logs = host.Logs;
                var outcome = CheckReturns(entry, executed, transaction.Catalog);
                if (!outcome.Succeeded)
                {
                    // Nothing the mutation wrote may be committed.
                    throw new MutationFailedException(outcome, host.Logs, transaction);
                }

                if (call.SessionRequest is { } request)
                {
                    transaction.RecordMutation(request, MutationRecords.Encode(outcome, host.Logs.Lines));
                }

                return (outcome: (JsOutcome?)outcome, transaction, recorded: (RecordedMutation?)null);
            }, cancellationToken);
            var (done, doneTransaction, replayed) = committed.Value;
            return replayed is not null
                ? MutationRecords.Decode(replayed)
                : ToResult(done!, logs!, committed.CommitTs, doneTransaction);
        }
        catch (MutationFailedException failed)
        {
            return ToResult(failed.Outcome, failed.Logs, failed.Transaction.SnapshotTs, failed.Transaction);
        }
    }

    private async Task<FunctionResult> ExecuteActionAsync(FunctionCall call, CancellationToken cancellationToken)
    {
        var active = _active;
        var (path, entry, refusal) = Lookup(active, call, UdfKind.Action);
        if (refusal is not null)
        {
            return Refused(refusal, Timestamp.Zero);
        }

        var requestId = call.RequestId.Length > 0 ? call.RequestId : NewRequestId();
        var context = NewContext(path.ToString(), UdfKind.Action, call.Identity, requestId);
        var host = new ActionHost(this, context, NextRandom(), _runtime.Time, _runtime.Http);
        var outcome = await ExecuteAsync(active, host, path, UdfKind.Action, call with { RequestId = requestId }, _options.ActionLimits, freezeClock: false, cancellationToken);
        return CheckReturns(entry, ToResult(outcome, context.Logs, Timestamp.Zero, null), _database.Catalog);
    }

    private async Task<(JsOutcome Outcome, TransactionHost Host)> ExecuteInTransactionAsync(
        Active active, UdfPath path, UdfKind kind, FunctionCall call, Transaction transaction, CancellationToken cancellationToken)
    {
        var context = NewContext(path.ToString(), kind, call.Identity, call.RequestId);
        var host = new TransactionHost(transaction, context, NextRandom(), active.Deployment.Schema) { JournalIn = call.Journal };
        var outcome = await ExecuteAsync(active, host, path, kind, call, _options.UdfLimits, freezeClock: true, cancellationToken);
        return (host.FatalError is { } fatal && outcome.Succeeded ? JsOutcome.Failure($"Uncaught Error: {fatal}") : outcome, host);
    }

    /// <summary>Runs one invocation on a pooled worker. A system error poisons the worker and becomes a failed outcome.</summary>
    private async Task<JsOutcome> ExecuteAsync(
        Active active, IExecutionHost host, UdfPath path, UdfKind kind, FunctionCall call, ExecutionLimits limits, bool freezeClock,
        CancellationToken cancellationToken)
    {
        var worker = active.Pool.Rent();
        if (freezeClock)
        {
            worker.Clock.Freeze(_runtime.Time.GetUtcNow());
        }

        worker.Bind(host, limits);
        try
        {
            return await FunctionInvoker.InvokeAsync(worker, path, kind, ArgsArray(call.Args), call.RequestId, limits, cancellationToken);
        }
        catch (Exception e) when (SystemErrors.IsSystem(e) && e is not OperationCanceledException and not Database.Errors.OccConflictException)
        {
            worker.Poison();
            return JsOutcome.SystemFailure($"Server Error: {e.Message}");
        }
        finally
        {
            worker.Unbind();
            active.Pool.Return(worker);
        }
    }

    /// <summary>A fresh random stream per execution; the parent stream is shared, hence the lock.</summary>
    private IRandom NextRandom()
    {
        lock (_seedLock)
        {
            return _seeds.Fork($"execution-{++_requests}");
        }
    }

    private string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[8];
        NextRandom().NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static string ArgsArray(ConvexObject args) => $"[{ConvexJson.Encode(args)}]";

    private static FunctionResult ToResult(JsOutcome outcome, LogCollector logs, Timestamp ts, Transaction? transaction)
    {
        var result = new FunctionResult
        {
            LogLines = logs.Lines,
            Ts = ts,
            ReadSet = transaction?.ReadSet,
        };
        if (!outcome.Succeeded)
        {
            return result with { ErrorMessage = outcome.ErrorMessage, ErrorData = outcome.ErrorData, IsSystemError = outcome.IsSystemError };
        }

        try
        {
            return result with { Value = ConvexJson.Decode(outcome.ResultJson!) };
        }
        catch (InvalidValueException e)
        {
            return result with { ErrorMessage = $"Function returned an invalid value: {e.Message}" };
        }
    }

    /// <summary>Carries a failed mutation's outcome out of the commit loop without committing.</summary>
    private sealed class MutationFailedException(JsOutcome outcome, LogCollector logs, Transaction transaction) : Exception
    {
        public JsOutcome Outcome { get; } = outcome;

        public LogCollector Logs { get; } = logs;

        public Transaction Transaction { get; } = transaction;
    }
}
