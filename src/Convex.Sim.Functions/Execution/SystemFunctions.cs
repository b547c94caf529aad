using System.Collections.Immutable;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Query;
using Convex.Sim.Database.Transactions;
using Convex.Sim.Functions.Analysis;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Storage;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// The built-in <c>_system/cli/*</c> queries the CLI calls (convex-compat §6.9.4), answered natively
/// with the results of Convex's <c>system-udfs</c>. Admin only: a call must be allowed to reach
/// internal functions (an admin key over HTTP). Each runs in a read-only transaction at the call's
/// timestamp, so over the sync protocol it has a snapshot and a read set like any query; an
/// environment change re-runs every subscription, which covers the environment queries.
/// </summary>
internal sealed class SystemFunctions(FunctionRunner runner, DatabaseEngine database)
{
    public const string PathPrefix = "_system/";

    /// <summary>The largest page <c>tableData</c> returns (the CLI asks for its row limit plus one).</summary>
    private const int PageSizeMax = 8192;

    public static bool IsSystemPath(string path) => path.StartsWith(PathPrefix, StringComparison.Ordinal);

    public async Task<FunctionResult> RunQueryAsync(FunctionCall call, CancellationToken cancellationToken)
    {
        Invariant.Assert(IsSystemPath(call.Path));
        var transaction = database.BeginReadOnly(call.At);
        if (!call.AllowInternal)
        {
            return Failed(transaction, $"{call.Path} is a Convex system function: it can only be called with an " +
                "admin key (Authorization: Convex <admin key>)");
        }

        try
        {
            var path = UdfPath.Parse(call.Path);
            var value = await RunAsync(path, call.Args, transaction, cancellationToken);
            Invariant.Assert(value is not null);
            return new FunctionResult { Value = value, Ts = transaction.SnapshotTs, ReadSet = transaction.ReadSet };
        }
        catch (ConvexException e)
        {
            return Failed(transaction, e.Message);
        }
    }

    private async Task<ConvexValue> RunAsync(
        UdfPath path, ConvexObject args, Transaction transaction, CancellationToken cancellationToken)
    {
        var environment = runner.Environment;
        return (path.ModulePath, path.ExportName) switch
        {
            ("_system/cli/queryEnvironmentVariables.js", UdfPath.DefaultExport) => ListEnvironment(environment),
            ("_system/cli/queryEnvironmentVariables.js", "get") => GetEnvironment(environment, args),
            ("_system/cli/convexUrl.js", "cloudUrl") =>
                environment.CloudUrl is { } url ? new ConvexString(url) : ConvexNull.Instance,
            ("_system/cli/tableSize.js", UdfPath.DefaultExport) => new ConvexFloat64(
                await CountAsync(transaction, StringArg(path, args, "tableName"), cancellationToken)),
            ("_system/cli/queryTable.js", UdfPath.DefaultExport) =>
                await ChangeMarkerAsync(transaction, StringArg(path, args, "tableName"), cancellationToken),
            ("_system/cli/tables.js", UdfPath.DefaultExport) => Tables(transaction),
            ("_system/cli/tableData.js", UdfPath.DefaultExport) => await TableDataAsync(
                transaction, path, args, cancellationToken),
            ("_system/cli/modules.js", "apiSpec") => ApiSpec(),
            _ => throw new ConvexException("FunctionNotFound",
                $"Could not find function for '{path}': Convex.Sim does not implement this system function"),
        };
    }

    /// <summary>Sorted by name, like the official query over <c>_environment_variables.by_name</c>.</summary>
    private static ConvexArray ListEnvironment(DeploymentEnvironment environment) =>
        new([.. environment.Variables.Entries.Select(p => EnvironmentDocument(p.Key, p.Value))]);

    /// <summary>Reads <c>process.env[name]</c> as the official query does, so built-ins show too.</summary>
    private static ConvexValue GetEnvironment(DeploymentEnvironment environment, ConvexObject args)
    {
        var name = args["name"] as ConvexString ?? throw new ConvexException("InvalidArgs",
            "_system/cli/queryEnvironmentVariables:get: argument `name` must be a string");
        return environment.Get(name.Value) is { } value ? EnvironmentDocument(name.Value, value) : ConvexNull.Instance;
    }

    private static ConvexObject EnvironmentDocument(string name, string value) => ConvexObject.From([
        new("name", new ConvexString(name)),
        new("value", new ConvexString(value)),
    ]);

    private static async Task<long> CountAsync(
        Transaction transaction, string table, CancellationToken cancellationToken)
    {
        var stream = QueryStream.Open(transaction, new SerializedQuery(
            new FullTableScanSource(table, ScanOrder.Ascending), []));
        var count = 0L;
        while (await stream.NextAsync(cancellationToken) is not null)
        {
            count++;
        }

        Invariant.Assert(count >= 0);
        return count;
    }

    /// <summary>
    /// <c>dev --run</c> watchers only need a result that differs whenever the table changed. The
    /// official query answers <c>Math.random()</c> after reading the whole table; the snapshot
    /// timestamp differs on every re-run just the same, and is deterministic.
    /// </summary>
    private static async Task<ConvexValue> ChangeMarkerAsync(
        Transaction transaction, string table, CancellationToken cancellationToken)
    {
        await CountAsync(transaction, table, cancellationToken);
        return new ConvexFloat64(transaction.SnapshotTs.Value);
    }

    /// <summary>User tables (no <c>_</c> prefix) in one page, sorted by name.</summary>
    private static ConvexObject Tables(Transaction transaction)
    {
        var names = transaction.Catalog.Tables
            .Select(t => t.Name)
            .Where(n => !n.StartsWith('_'))
            .Order(StringComparer.Ordinal)
            .Select(n => (ConvexValue)ConvexObject.From([new("name", new ConvexString(n))]));
        return ConvexObject.From([
            new("page", new ConvexArray([.. names])),
            new("isDone", ConvexBoolean.True),
            new("continueCursor", new ConvexString("end")),
        ]);
    }

    private static async Task<ConvexObject> TableDataAsync(
        Transaction transaction, UdfPath path, ConvexObject args, CancellationToken cancellationToken)
    {
        var table = StringArg(path, args, "table");
        var order = StringArg(path, args, "order") switch
        {
            "asc" => ScanOrder.Ascending,
            "desc" => ScanOrder.Descending,
            var other => throw new ConvexException(
                "InvalidArgs", $"{path}: `order` must be \"asc\" or \"desc\", not \"{other}\""),
        };
        var options = args["paginationOpts"] as ConvexObject ?? throw new ConvexException("InvalidArgs",
            $"{path}: argument `paginationOpts` must be an object");
        var cursor = (options["cursor"] as ConvexString)?.Value;
        var numItems = options["numItems"] switch
        {
            ConvexFloat64 f when double.IsInteger(f.Value) && f.Value >= 1 => (long)Math.Min(f.Value, PageSizeMax),
            ConvexInt64 i when i.Value >= 1 => Math.Min(i.Value, PageSizeMax),
            _ => throw new ConvexException(
                "InvalidArgs", $"{path}: `paginationOpts.numItems` must be a positive integer"),
        };
        var page = await QueryPager.QueryPageAsync(transaction,
            new SerializedQuery(new FullTableScanSource(table, order), []),
            new QueryPageRequest(cursor, null, numItems), cancellationToken);
        return ConvexObject.From([
            new("page", new ConvexArray([.. page.Page])),
            new("isDone", ConvexBoolean.Of(page.IsDone)),
            new("continueCursor", new ConvexString(page.ContinueCursor)),
        ]);
    }

    /// <summary>
    /// Every function as <c>{identifier:"messages.js:list", functionType, visibility, args, returns}</c>
    /// (validators as values, <c>{type:"any"}</c> when absent) and every HTTP route, like the official query.
    /// </summary>
    private ConvexArray ApiSpec()
    {
        var any = ConvexObject.From([new("type", new ConvexString("any"))]);
        var specs = ImmutableArray.CreateBuilder<ConvexValue>();
        foreach (var module in runner.Deployment.Functions.Modules)
        {
            foreach (var function in module.Functions)
            {
                specs.Add(ConvexObject.From([
                    new("identifier", new ConvexString($"{module.Path}:{function.Name}")),
                    new("functionType", new ConvexString(KindName(function.Kind))),
                    new("visibility", ConvexObject.From([new("kind", new ConvexString(
                        function.Visibility == Visibility.Internal ? "internal" : "public"))])),
                    new("args", function.ArgsJson is null ? any : ConvexJson.Decode(function.ArgsJson)),
                    new("returns", function.ReturnsJson is null ? any : ConvexJson.Decode(function.ReturnsJson)),
                ]));
            }

            foreach (var route in module.HttpRoutes ?? [])
            {
                specs.Add(ConvexObject.From([
                    new("functionType", new ConvexString("HttpAction")),
                    new("method", new ConvexString(route.Method)),
                    new("path", new ConvexString(route.Path)),
                ]));
            }
        }

        return new ConvexArray(specs.ToImmutable());
    }

    private static string KindName(UdfKind kind) => kind switch
    {
        UdfKind.Query => "Query",
        UdfKind.Mutation => "Mutation",
        UdfKind.Action => "Action",
    };

    private static string StringArg(UdfPath path, ConvexObject args, string name) =>
        (args[name] as ConvexString)?.Value
        ?? throw new ConvexException("InvalidArgs", $"{path}: argument `{name}` must be a string");

    private static FunctionResult Failed(Transaction transaction, string message) =>
        new() { ErrorMessage = message, Ts = transaction.SnapshotTs, ReadSet = transaction.ReadSet };
}
