using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Syscalls;
using Convex.Sim.Runtime.Network;
using Jint.Native;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// The host of one action: no transaction of its own. Queries, mutations and actions it calls
/// run through the runner as separate executions (each query at the latest timestamp, each
/// mutation in its own OCC transaction) with the caller's identity. Time is live and timers wait
/// on the runtime's clock.
/// </summary>
internal sealed class ActionHost(FunctionRunner runner, ExecutionContext context, IRandom random, TimeProvider clock, IHttpFetcher http)
    : IExecutionHost, WebApis.IEnvironmentVariablesHost
{
    public LogCollector Logs => context.Logs;

    public string? GetEnvironmentVariable(string name) => context.Environment.Get(name);

    public bool AllowsTimers => true;

    public string Syscall(string op, string argsJson) => throw SyscallErrors.UnknownOperation(op);

    public async ValueTask<string> AsyncSyscallAsync(string op, string argsJson, CancellationToken cancellationToken)
    {
        using var args = SyscallArgs.Parse(op, argsJson);
        return op switch
        {
            "1.0/actions/query" => await RunNestedAsync(args, UdfKind.Query, cancellationToken),
            "1.0/actions/mutation" => await RunNestedAsync(args, UdfKind.Mutation, cancellationToken),
            "1.0/actions/action" => await RunNestedAsync(args, UdfKind.Action, cancellationToken),
            "1.0/actions/schedule" or "1.0/actions/cancel_job" => throw SyscallErrors.NotSupportedYet("The scheduler (ctx.scheduler)"),
            "1.0/actions/vectorSearch" => throw SyscallErrors.NotSupportedYet("Vector search (ctx.vectorSearch)"),
            "1.0/getUserIdentity" => TransactionHost.UserIdentityJson(context.Identity),
            "1.0/getFunctionMetadata" => TransactionHost.FunctionMetadataJson(context.UdfPath),
            "1.0/get" or "1.0/insert" or "1.0/shallowMerge" or "1.0/replace" or "1.0/remove" or "1.0/queryStreamNext" or "1.0/queryPage" =>
                throw new ConvexException("NoDatabaseInActions",
                    "Actions have no ctx.db: read and write the database through ctx.runQuery and ctx.runMutation"),
            _ => throw TransactionHost.UnsupportedOrUnknown(op),
        };
    }

    public JsValue JsSyscall(string op, JsValue args) => throw TransactionHost.UnsupportedOrUnknown(op);

    public void Log(LogLevel level, string message) => context.Logs.Add(level, message);

    public double NextRandom() => (random.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public void NextBytes(Span<byte> destination) => random.NextBytes(destination);

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, clock, cancellationToken);

    public Task<HttpFetchResponse> FetchAsync(HttpFetchRequest request, CancellationToken cancellationToken) =>
        http.FetchAsync(request, cancellationToken);

    private async Task<string> RunNestedAsync(SyscallArgs args, UdfKind kind, CancellationToken cancellationToken)
    {
        if (args.Has("reference") || args.Has("functionHandle"))
        {
            throw SyscallErrors.NotSupportedYet("Components and function handles");
        }

        var call = new FunctionCall(args.String("name"), args.Has("args") ? args.Object("args") : ConvexObject.Empty)
        {
            Identity = context.Identity,
            AllowInternal = true,
            RequestId = context.RequestId,
        };
        var result = kind switch
        {
            UdfKind.Query => await runner.RunQueryAsync(call, cancellationToken),
            UdfKind.Mutation => await runner.RunMutationAsync(call, cancellationToken),
            _ => await runner.RunActionAsync(call, cancellationToken),
        };
        foreach (var line in result.LogLines)
        {
            context.Logs.AddRaw(line);
        }

        if (result.IsSystemError)
        {
            // The callee failed for the server's reasons: the caller cannot handle that either.
            throw new ConvexException("Internal", result.ErrorMessage!);
        }

        return result.Succeeded
            ? ConvexJson.Encode(result.Value ?? ConvexNull.Instance)
            : throw new NestedFunctionException(result.ErrorMessage!, result.ErrorData);
    }
}
