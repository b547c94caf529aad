using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Schema;
using Convex.Sim.Database.Transactions;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Syscalls;
using Convex.Sim.Runtime.Network;
using Jint.Native;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// The host of one query or mutation: every database syscall goes to one transaction at one
/// snapshot, so the function's reads are consistent and its read set is exact. Time is frozen and
/// randomness seeded for the execution (Convex's determinism rules for queries and mutations).
/// </summary>
internal sealed partial class TransactionHost : IExecutionHost
{
    private readonly Transaction _transaction;
    private readonly ExecutionContext _context;
    private readonly IRandom _random;
    private readonly QueryStreams _streams;
    private readonly DatabaseSchema? _schema;

    public TransactionHost(Transaction transaction, ExecutionContext context, IRandom random, DatabaseSchema? schema)
    {
        _schema = schema;
        _transaction = transaction;
        _context = context;
        _random = random;
        _streams = new QueryStreams(transaction);
    }

    public LogCollector Logs => _context.Logs;

    /// <summary>The journal of the previous execution of a subscribed query (see <see cref="QueryStreams.JournalIn"/>).</summary>
    public string? JournalIn
    {
        get => _streams.JournalIn;
        init => _streams.JournalIn = value;
    }

    /// <summary>This execution's journal, for the next one.</summary>
    public string? JournalOut => _streams.JournalOut;

    public bool AllowsTimers => false;

    private bool IsMutation => _context.Kind == UdfKind.Mutation;

    public string Syscall(string op, string argsJson)
    {
        using var args = SyscallArgs.Parse(op, argsJson);
        return op switch
        {
            "1.0/queryStream" => _streams.Open(args),
            "1.0/queryCleanup" => _streams.Cleanup(args),
            "1.0/db/normalizeId" => NormalizeId(args),
            "1.0/getSnapshotTs" => ConvexJson.Encode(new ConvexInt64((long)_transaction.SnapshotTs.Value)),
            _ => throw SyscallErrors.UnknownOperation(op),
        };
    }

    /// <summary>
    /// A transaction limit was exceeded. The function may catch the error, but the execution fails
    /// anyway: a transaction over its limits must never commit.
    /// </summary>
    public string? FatalError { get; private set; }

    public async ValueTask<string> AsyncSyscallAsync(string op, string argsJson, CancellationToken cancellationToken)
    {
        try
        {
            return await DispatchAsync(op, argsJson, cancellationToken);
        }
        catch (Database.Errors.TransactionLimitException e)
        {
            FatalError ??= e.Message;
            throw;
        }
    }

    private async ValueTask<string> DispatchAsync(string op, string argsJson, CancellationToken cancellationToken)
    {
        using var args = SyscallArgs.Parse(op, argsJson);
        return op switch
        {
            "1.0/get" => await GetAsync(args, cancellationToken),
            "1.0/queryStreamNext" => await _streams.NextAsync(args, cancellationToken),
            "1.0/queryPage" => await _streams.PageAsync(args, cancellationToken),
            "1.0/count" => await _streams.CountAsync(args, cancellationToken),
            "1.0/insert" => await InsertAsync(args, cancellationToken),
            "1.0/shallowMerge" => await PatchAsync(args, cancellationToken),
            "1.0/replace" => await ReplaceAsync(args, cancellationToken),
            "1.0/remove" => await RemoveAsync(args, cancellationToken),
            "1.0/getUserIdentity" => UserIdentityJson(_context.Identity),
            "1.0/getFunctionMetadata" => FunctionMetadataJson(_context.UdfPath),
            _ => throw UnsupportedOrUnknown(op),
        };
    }

    public JsValue JsSyscall(string op, JsValue args) => throw UnsupportedOrUnknown(op);

    public Task<HttpFetchResponse> FetchAsync(HttpFetchRequest request, CancellationToken cancellationToken) =>
        throw new ConvexException("NoFetchInQueriesOrMutations", WebApis.FetchApi.QueryMessage);

    public void Log(LogLevel level, string message) => _context.Logs.Add(level, message);

    public double NextRandom() => (_random.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public void NextBytes(Span<byte> destination) => _random.NextBytes(destination);

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        throw new ConvexException("NoTimersInQueriesOrMutations",
            "Can't use setTimeout in queries and mutations. Please consider using an action.");

    internal static string UserIdentityJson(UserIdentity? identity) =>
        identity is null ? "null" : ConvexJson.Encode(identity.Claims);

    internal static string FunctionMetadataJson(string udfPath) =>
        ConvexJson.Encode(ConvexObject.From([new("name", new ConvexString(udfPath)), new("componentPath", new ConvexString(""))]));

    internal static ConvexException UnsupportedOrUnknown(string op) => op switch
    {
        "1.0/schedule" or "1.0/cancel_job" => SyscallErrors.NotSupportedYet("The scheduler (ctx.scheduler)"),
        "1.0/runUdf" => SyscallErrors.NotSupportedYet("Calling a query or mutation from a query or mutation (ctx.runQuery/ctx.runMutation)"),
        _ when op.StartsWith("1.0/storage", StringComparison.Ordinal) => SyscallErrors.NotSupportedYet("File storage (ctx.storage)"),
        "1.0/getTransactionMetrics" => SyscallErrors.NotSupportedYet("getTransactionMetrics"),
        "1.0/createFunctionHandle" => SyscallErrors.NotSupportedYet("Function handles"),
        "1.0/getDeploymentMetadata" or "1.0/getRequestMetadata" => SyscallErrors.NotSupportedYet("Deployment and request metadata"),
        "1.0/signJwt" or "1.0/auditLog" or "1.0/createServiceToken" or "1.0/getServiceUrl" =>
            SyscallErrors.NotSupportedYet($"{op} (a Convex Cloud feature)"),
        "requestFromConvexJson" or "convexJsonFromResponse" => SyscallErrors.NotSupportedYet("HTTP actions"),
        "storage/storeBlob" or "storage/getBlob" => SyscallErrors.NotSupportedYet("File storage (ctx.storage)"),
        _ when op.StartsWith("1.0/actions/", StringComparison.Ordinal) =>
            SyscallErrors.NotInThisFunctionKind(op, "actions"),
        _ => SyscallErrors.UnknownAsyncOperation(op),
    };

    private string NormalizeId(SyscallArgs args)
    {
        var table = args.String("table");
        var text = args.String("idString");
        string? normalized = null;
        if (DocumentIdCodec.TryDecode(text, out var id) && _transaction.Catalog.FindTable(id.Table) is { } info && info.Name == table)
        {
            normalized = text;
        }

        return normalized is null ? "{\"id\":null}" : $"{{\"id\":{JsonString(normalized)}}}";
    }

    private static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    internal static string DocumentJson(ConvexObject? document) => document is null ? "null" : ConvexJson.Encode(document);
}
