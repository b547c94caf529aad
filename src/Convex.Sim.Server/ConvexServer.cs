using System.Net;
using System.Reflection;
using Convex.Sim.Core;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Server.Http;
using Convex.Sim.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using DatabaseEngine = Convex.Sim.Database.Database;
using DatabaseOptions = Convex.Sim.Database.DatabaseOptions;

namespace Convex.Sim.Server;

/// <summary>
/// The composition root: SQLite persistence under the data directory, the database, the function
/// runner on the production runtime, and Kestrel serving the API origin and the (reserved) HTTP
/// actions origin on 127.0.0.1 (convex-compat §1.1). Stopping drains requests in flight before the
/// database closes; an acknowledged write is already durable, because the committer acknowledges
/// only after SQLite's fsync.
/// </summary>
internal sealed class ConvexServer : IAsyncDisposable
{
    public const string DatabaseFileName = "convex.sqlite3";
    private const string Banner = "This Convex deployment is running. See https://docs.convex.dev/.\n";

    private readonly WebApplication _app;
    private readonly SqlitePersistence _persistence;
    private readonly ProductionRuntime _runtime;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _deployGate = new(1, 1);
    private int _stopped;
    private int _requestsInFlight;

    private ConvexServer(
        WebApplication app, SqlitePersistence persistence, ProductionRuntime runtime, DatabaseEngine database,
        FunctionRunner runner, InstanceIdentity identity, ServerOptions options)
    {
        _app = app;
        _persistence = persistence;
        _runtime = runtime;
        Database = database;
        Runner = runner;
        Identity = identity;
        Options = options;
        _logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Convex.Sim.Server");
    }

    public DatabaseEngine Database { get; }

    public FunctionRunner Runner { get; }

    public InstanceIdentity Identity { get; }

    public ServerOptions Options { get; }

    /// <summary>The deployment URL (API origin), with the port actually bound.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The HTTP actions origin, with the port actually bound.</summary>
    public Uri SiteUrl { get; private set; } = null!;

    /// <summary>Requests being served right now (what a shutdown waits for).</summary>
    public int RequestsInFlight => Volatile.Read(ref _requestsInFlight);

    public static string Version { get; } =
        typeof(ConvexServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";

    /// <summary>Opens the data directory and starts serving; returns once both ports are bound.</summary>
    public static async Task<ConvexServer> StartAsync(
        ServerOptions options,
        FunctionRunnerOptions? runnerOptions,
        Action<ILoggingBuilder>? configureLogging,
        CancellationToken cancellationToken)
    {
        options.Validate();
        Directory.CreateDirectory(options.DataDirectory);
        var identity = InstanceIdentity.LoadOrCreate(options);
        var databasePath = Path.Combine(options.DataDirectory, DatabaseFileName);
        var runtime = new ProductionRuntime();
        var persistence = new SqlitePersistence(databasePath);
        try
        {
            var database = await DatabaseEngine.OpenAsync(
                runtime, persistence, DatabaseOptions.Default, cancellationToken);
            var runner = new FunctionRunner(database, runtime, runnerOptions);
            ListenOptions? apiListener = null;
            ListenOptions? siteListener = null;
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                Args = [],
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            configureLogging?.Invoke(builder.Logging);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(IPAddress.Loopback, options.Port, listen => apiListener = listen);
                kestrel.Listen(IPAddress.Loopback, options.SitePort, listen => siteListener = listen);
            });
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
            builder.Services.AddSingleton(database);
            builder.Services.AddSingleton(runner);
            builder.Services.AddSingleton(identity);
            builder.Services.AddSingleton<FunctionEndpoints>();
            var app = builder.Build();
            var server = new ConvexServer(app, persistence, runtime, database, runner, identity, options);
            var fullPath = Path.GetFullPath(databasePath);
            Log.DatabaseOpened(server._logger, fullPath, database.LatestTs.Value);
            server.MapRoutes();
            await app.StartAsync(cancellationToken);
            // Kestrel writes the bound endpoint back into the listen options (port 0 becomes the real one).
            var apiPort = apiListener!.IPEndPoint!.Port;
            var sitePort = siteListener!.IPEndPoint!.Port;
            Invariant.Assert(apiPort != 0);
            Invariant.Assert(sitePort != 0 && sitePort != apiPort);
            server.Url = new Uri($"http://127.0.0.1:{apiPort}");
            server.SiteUrl = new Uri($"http://127.0.0.1:{sitePort}");
            Log.Listening(server._logger, identity.InstanceName, server.Url, server.SiteUrl);
            return server;
        }
        catch
        {
            await persistence.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Analyzes and switches to a new set of modules: the seam that the CLI's push protocol will use.
    /// The schema is checked against stored documents and its new indexes are built first; on a
    /// failure the previous deployment stays active.
    /// </summary>
    public async Task DeployAsync(
        IReadOnlyList<ModuleSource> modules, ModuleSource? schema, CancellationToken cancellationToken)
    {
        await _deployGate.WaitAsync(cancellationToken);
        try
        {
            var deployment = await Deployer.PrepareAsync(modules, schema, _runtime, cancellationToken);
            if (deployment.Schema is { } databaseSchema)
            {
                await Deployer.ApplySchemaAsync(Database, databaseSchema, cancellationToken);
            }

            Runner.Deploy(deployment);
            var functions = deployment.Functions.Modules.Sum(m => m.Functions.Count);
            Log.Deployed(_logger, modules.Count, functions, deployment.Schema is not null);
        }
        finally
        {
            _deployGate.Release();
        }
    }

    /// <summary>Completes when the host is asked to stop (Ctrl-C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) =>
        _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting requests, lets those in flight finish, then closes the database.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        Log.ShuttingDown(_logger);
        try
        {
            await _app.StopAsync(cancellationToken);
        }
        finally
        {
            await _persistence.DisposeAsync();
            Log.Stopped(_logger);
            await _app.DisposeAsync();
            _deployGate.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private void MapRoutes()
    {
        var app = _app;
        var endpoints = app.Services.GetRequiredService<FunctionEndpoints>();
        app.Use(HandleErrorsAsync);
        app.Use(ServeSiteOriginAsync);
        app.Use(CorsMiddleware.InvokeAsync);

        app.MapGet("/", context => WriteTextAsync(context, Banner));
        app.MapGet("/version", context => WriteTextAsync(context, Version));
        app.MapGet("/instance_name", context => WriteTextAsync(context, Identity.InstanceName));

        app.MapPost("/api/query", endpoints.QueryAsync);
        app.MapGet("/api/query", endpoints.QueryFromQueryStringAsync);
        app.MapPost("/api/mutation", endpoints.MutationAsync);
        app.MapPost("/api/action", endpoints.ActionAsync);
        app.MapPost("/api/function", endpoints.FunctionAsync);
        app.MapPost("/api/query_ts", endpoints.QueryTimestampAsync);
        app.MapPost("/api/run/{**path}",
            context => endpoints.RunByUrlAsync(context, context.Request.RouteValues["path"] as string));
        app.MapFallback(context => ApiError.WriteAsync(context.Response, StatusCodes.Status404NotFound, "NotFound",
            $"No route {context.Request.Method} {context.Request.Path}", context.RequestAborted));
    }

    /// <summary>
    /// The site origin and <c>/http/*</c> are reserved for HTTP actions (convex-compat §4.7), which
    /// are not served yet: every request there gets a 404 envelope saying so.
    /// </summary>
    private async Task ServeSiteOriginAsync(HttpContext context, RequestDelegate next)
    {
        var onSiteOrigin = SiteUrl is not null && context.Connection.LocalPort == SiteUrl.Port;
        if (onSiteOrigin || context.Request.Path.StartsWithSegments("/http", StringComparison.Ordinal))
        {
            await ApiError.WriteAsync(context.Response, StatusCodes.Status404NotFound, "HttpActionsNotSupported",
                "Convex.Sim does not serve HTTP actions yet", context.RequestAborted);
            return;
        }

        await next(context);
    }

    /// <summary>Turns request failures into the §1.4 envelope; anything unexpected is a logged 500.</summary>
    private async Task HandleErrorsAsync(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref _requestsInFlight);
        try
        {
            await next(context);
        }
        catch (ApiError e) when (!context.Response.HasStarted)
        {
            await e.WriteAsync(context.Response, context.RequestAborted);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await ApiError.WriteAsync(context.Response, e.StatusCode, "BadRequest", e.Message, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            Log.RequestFailed(_logger, e, context.Request.Method, context.Request.Path.ToString());
            await ApiError.Internal().WriteAsync(context.Response, context.RequestAborted);
        }
        finally
        {
            var remaining = Interlocked.Decrement(ref _requestsInFlight);
            Invariant.Assert(remaining >= 0);
        }
    }

    private static Task WriteTextAsync(HttpContext context, string text)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
