using System.IO.Compression;
using System.Net;
using System.Reflection;
using Convex.Sim.Core;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Server.Auth;
using Convex.Sim.Server.Deployment;
using Convex.Sim.Server.Http;
using Convex.Sim.Server.Logs;
using Convex.Sim.Server.Sync;
using Convex.Sim.Sync;
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
/// runner on the production runtime, and Kestrel serving the API origin and the HTTP
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
    private readonly PushCoordinator _pushes;
    private readonly EnvironmentCoordinator _environment;
    private readonly RequestAuthenticator _authenticator;
    private int _stopped;
    private Task _expiry = Task.CompletedTask;
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
        Subscriptions = app.Services.GetRequiredService<SubscriptionManager>();
        Tokens = app.Services.GetRequiredService<TokenValidator>();
        _authenticator = app.Services.GetRequiredService<RequestAuthenticator>();
        _pushes = new PushCoordinator(
            database, runner, runtime, new DeploymentStore(options.DataDirectory), _logger, Subscriptions, Tokens);
        _environment = new EnvironmentCoordinator(
            new EnvironmentStore(options.DataDirectory), runner, database, Subscriptions);
        FunctionLog = new FunctionLog(runtime.Time);
        runner.Observer = FunctionLog;
    }

    public DatabaseEngine Database { get; }

    public FunctionRunner Runner { get; }

    /// <summary>The live sync sessions; every commit and deployment is announced to them.</summary>
    public SubscriptionManager Subscriptions { get; }

    public InstanceIdentity Identity { get; }

    /// <summary>Checks user tokens against the active deployment's <c>auth.config.js</c> providers.</summary>
    internal TokenValidator Tokens { get; }

    /// <summary>Recent executions of user functions, streamed to <c>npx convex logs</c>.</summary>
    public FunctionLog FunctionLog { get; }

    /// <summary>The deployment's environment variables (<c>npx convex env</c>).</summary>
    public EnvironmentCoordinator EnvironmentVariables => _environment;

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
                runtime, persistence, DatabaseOptions.Default with { RetentionWindow = options.HistoryRetention },
                cancellationToken);
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
            builder.Services.AddSingleton(new SubscriptionManager(database));
            builder.Services.AddSingleton<IKeyDocumentFetcher, HttpKeyDocumentFetcher>();
            builder.Services.AddSingleton(services => new KeyDocumentCache(
                services.GetRequiredService<IKeyDocumentFetcher>(), runtime.Time));
            builder.Services.AddSingleton(services => new TokenValidator(
                services.GetRequiredService<KeyDocumentCache>(), runtime.Time));
            builder.Services.AddSingleton<RequestAuthenticator>();
            builder.Services.AddSingleton<FunctionEndpoints>();
            var app = builder.Build();
            var server = new ConvexServer(app, persistence, runtime, database, runner, identity, options);
            var fullPath = Path.GetFullPath(databasePath);
            Log.DatabaseOpened(server._logger, fullPath, database.LatestTs.Value);
            server._environment.Restore();
            await server._pushes.RestoreAsync(cancellationToken);
            server.MapRoutes();
            await app.StartAsync(cancellationToken);
            // Kestrel writes the bound endpoint back into the listen options (port 0 becomes the real one).
            var apiPort = apiListener!.IPEndPoint!.Port;
            var sitePort = siteListener!.IPEndPoint!.Port;
            Invariant.Assert(apiPort != 0);
            Invariant.Assert(sitePort != 0 && sitePort != apiPort);
            server.Url = new Uri($"http://127.0.0.1:{apiPort}");
            server.SiteUrl = new Uri($"http://127.0.0.1:{sitePort}");
            server._environment.SetUrls(server.Url, server.SiteUrl);
            Log.Listening(server._logger, identity.InstanceName, server.Url, server.SiteUrl);
            server._expiry = new SessionRequestExpiry(database, runtime, server._logger).RunAsync(app.Lifetime.ApplicationStopping);
            return server;
        }
        catch
        {
            await persistence.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Analyzes and switches to a new set of modules: the in-process counterpart of the CLI's push
    /// protocol. The schema is checked against stored documents and its new indexes are built first;
    /// on a failure the previous deployment stays active. The deployment is persisted.
    /// </summary>
    public Task DeployAsync(
        IReadOnlyList<ModuleSource> modules, ModuleSource? schema, CancellationToken cancellationToken)
    {
        static PushedModule Pushed(ModuleSource module) =>
            new(module.Path, module.Source, SourceMap: null, ModuleEnvironment.Isolate);
        var app = new PushedApp([.. modules.Select(Pushed)], schema is null ? null : Pushed(schema));
        return _pushes.DeployAsync(app, cancellationToken);
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
            await _expiry;
            await _persistence.DisposeAsync();
            Log.Stopped(_logger);
            await _app.DisposeAsync();
            _pushes.Dispose();
            _environment.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private void MapRoutes()
    {
        var app = _app;
        var endpoints = app.Services.GetRequiredService<FunctionEndpoints>();
        var deploy = new DeployEndpoints(_pushes, _environment, Identity);
        app.Use(HandleErrorsAsync);
        app.Use(ServeSiteOriginAsync);
        app.Use(CorsMiddleware.InvokeAsync);
        app.Use(DecodeRequestBodyAsync);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(5) });

        app.MapGet("/", context => WriteTextAsync(context, Banner));
        app.MapGet("/version", context => WriteTextAsync(context, Version));
        app.MapGet("/instance_name", context => WriteTextAsync(context, Identity.InstanceName));

        app.MapPost("/api/query", endpoints.QueryAsync);
        app.MapGet("/api/query", endpoints.QueryFromQueryStringAsync);
        app.MapPost("/api/mutation", endpoints.MutationAsync);
        app.MapPost("/api/action", endpoints.ActionAsync);
        app.MapPost("/api/function", endpoints.FunctionAsync);
        app.MapPost("/api/query_ts", endpoints.QueryTimestampAsync);
        app.MapPost("/api/query_at_ts", endpoints.QueryAtTimestampAsync);
        app.MapPost("/api/query_batch", endpoints.QueryBatchAsync);
        app.MapPost("/api/run/{**path}",
            context => endpoints.RunByUrlAsync(context, context.Request.RouteValues["path"] as string));

        var sync = new SyncEndpoint(
            Runner, Database, _runtime, Subscriptions, Identity, Tokens, _logger, app.Lifetime.ApplicationStopping);
        app.Map("/api/sync", sync.HandleAsync);
        app.Map("/api/{version}/sync", sync.HandleAsync);

        app.MapPost("/api/get_config_hashes", deploy.GetConfigHashesAsync);
        app.MapPost("/api/deploy2/evaluate_schema", deploy.EvaluateSchemaAsync);
        app.MapPost("/api/deploy2/evaluate_push", deploy.EvaluatePushAsync);
        app.MapPost("/api/deploy2/start_push", deploy.StartPushAsync);
        app.MapPost("/api/deploy2/wait_for_schema", deploy.WaitForSchemaAsync);
        app.MapPost("/api/deploy2/finish_push", deploy.FinishPushAsync);
        app.MapPost("/api/deploy2/report_push_completed", deploy.ReportPushCompletedAsync);
        app.MapGet("/api/v1/get_canonical_urls", context => deploy.CanonicalUrlsAsync(context, Url, SiteUrl));
        var logs = new LogEndpoints(FunctionLog, Identity, app.Lifetime);
        app.MapGet("/api/stream_function_logs", logs.StreamFunctionLogsAsync);
        var environment = new EnvironmentEndpoints(_environment, Identity);
        app.MapPost("/api/update_environment_variables", environment.UpdateAsync);
        app.MapFallback(context => ApiError.WriteAsync(context.Response, StatusCodes.Status404NotFound, "NotFound",
            $"No route {context.Request.Method} {context.Request.Path}", context.RequestAborted));
    }

    /// <summary>
    /// The site origin and <c>/http/*</c> serve the deployment's HTTP actions (convex-compat §4.7,
    /// <see cref="SiteEndpoints"/>), without the API origin's CORS layer.
    /// </summary>
    private async Task ServeSiteOriginAsync(HttpContext context, RequestDelegate next)
    {
        var onSiteOrigin = SiteUrl is not null && context.Connection.LocalPort == SiteUrl.Port;
        if (onSiteOrigin || context.Request.Path.StartsWithSegments("/http", StringComparison.Ordinal))
        {
            await new SiteEndpoints(Runner, Database, Subscriptions, _authenticator).HandleAsync(context, onSiteOrigin);
            return;
        }

        await next(context);
    }

    /// <summary>
    /// The CLI compresses push bodies with Brotli (<c>Content-Encoding: br</c>, cli-deploy.md (b));
    /// they are decoded as they are read. Other encodings are refused rather than misparsed.
    /// </summary>
    private static async Task DecodeRequestBodyAsync(HttpContext context, RequestDelegate next)
    {
        var encoding = context.Request.Headers.ContentEncoding.ToString();
        if (encoding.Length == 0 || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        Stream decoded = encoding.ToLowerInvariant() switch
        {
            "br" => new BrotliStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
            "gzip" => new GZipStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
            _ => throw new ApiError(StatusCodes.Status415UnsupportedMediaType, "UnsupportedContentEncoding",
                $"Content-Encoding \"{encoding}\" is not supported; use br, gzip or none"),
        };
        await using (decoded)
        {
            context.Request.Body = decoded;
            context.Request.Headers.ContentEncoding = default;
            context.Request.Headers.ContentLength = null;
            await next(context);
        }
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
