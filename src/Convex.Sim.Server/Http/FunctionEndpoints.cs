using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Server.Auth;
using Convex.Sim.Sync;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Server.Http;

/// <summary>
/// The HTTP function API (convex-compat §4.1, §4.2): runs a function through the
/// <see cref="FunctionRunner"/> and answers 200 with <c>{"status":"success"|"error",…}</c>; request
/// problems and system errors use the <c>{code,message}</c> envelope (§1.4).
/// </summary>
internal sealed partial class FunctionEndpoints(
    FunctionRunner runner, DatabaseEngine database, RequestAuthenticator authenticator,
    SubscriptionManager subscriptions, ILogger<FunctionEndpoints> logger)
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Which runner entry point an endpoint uses; <see cref="Any"/> looks the kind up.</summary>
    private enum Endpoint
    {
        Query,
        Mutation,
        Action,
        Any,
    }

    public Task QueryAsync(HttpContext context) => RunFromBodyAsync(context, Endpoint.Query, adminOnly: false);

    public Task MutationAsync(HttpContext context) => RunFromBodyAsync(context, Endpoint.Mutation, adminOnly: false);

    public Task ActionAsync(HttpContext context) => RunFromBodyAsync(context, Endpoint.Action, adminOnly: false);

    /// <summary><c>POST /api/function</c>: any kind of function, admin key required (§1.2).</summary>
    public Task FunctionAsync(HttpContext context) => RunFromBodyAsync(context, Endpoint.Any, adminOnly: true);

    /// <summary><c>GET /api/query?path=…&amp;args=…&amp;format=…</c>.</summary>
    public async Task QueryFromQueryStringAsync(HttpContext context)
    {
        var caller = await authenticator.AuthenticateAsync(
            context.Request, adminOnly: false, context.RequestAborted);
        var request = FunctionRequest.FromQueryString(context.Request.Query, ValueFormat.CleanJson);
        await RunAsync(context, Endpoint.Query, request, caller);
    }

    /// <summary>
    /// <c>POST /api/run/&lt;seg&gt;/…/&lt;export&gt;</c>: the URL-decoded segments joined as
    /// <c>seg/…:export</c>; the body holds <c>args</c> and an optional <c>format</c> (default clean JSON).
    /// </summary>
    public async Task RunByUrlAsync(HttpContext context, string? route)
    {
        var caller = await authenticator.AuthenticateAsync(
            context.Request, adminOnly: false, context.RequestAborted);
        // Routing has already URL-decoded the segments.
        var segments = (route ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            throw ApiError.BadRequest("InvalidFunctionPath", "Expected /api/run/<module path>/<function name>");
        }

        var path = $"{string.Join('/', segments[..^1])}:{segments[^1]}";
        FunctionRequest request;
        var length = context.Request.ContentLength;
        if (length is 0 || (length is null && !context.Request.HasJsonContentType()))
        {
            request = new FunctionRequest(path, ConvexObject.Empty, ValueFormat.CleanJson);
        }
        else
        {
            using var body = await FunctionRequest.ReadBodyAsync(context.Request, context.RequestAborted);
            request = FunctionRequest.FromParts(path, body.RootElement, ValueFormat.CleanJson);
        }

        await RunAsync(context, Endpoint.Any, request, caller);
    }

    /// <summary><c>POST /api/query_ts</c>: the latest commit timestamp, base64 of its 8 bytes (LE).</summary>
    public async Task QueryTimestampAsync(HttpContext context)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, database.LatestTs.Value);
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteBase64String("ts", bytes);
            writer.WriteEndObject();
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private async Task RunFromBodyAsync(HttpContext context, Endpoint endpoint, bool adminOnly)
    {
        var caller = await authenticator.AuthenticateAsync(context.Request, adminOnly, context.RequestAborted);
        using var body = await FunctionRequest.ReadBodyAsync(context.Request, context.RequestAborted);
        var request = FunctionRequest.FromBody(body.RootElement, ValueFormat.CleanJson);
        await RunAsync(context, endpoint, request, caller);
    }

    private async Task RunAsync(HttpContext context, Endpoint endpoint, FunctionRequest request, Caller caller)
    {
        RefuseSystemFunction(request.Path, caller.IsAdmin);
        var call = new FunctionCall(request.Path, request.Args) { AllowInternal = caller.IsAdmin, Identity = caller.User };
        var cancellationToken = context.RequestAborted;
        var kind = ResolveKind(endpoint, request.Path, caller.IsAdmin);
        var result = kind switch
        {
            UdfKind.Query => await runner.RunQueryAsync(call, cancellationToken),
            UdfKind.Mutation => await runner.RunMutationAsync(call, cancellationToken),
            UdfKind.Action => await runner.RunActionAsync(call, cancellationToken),
            null => NotFound(request.Path),
        };
        if (kind is UdfKind.Mutation or UdfKind.Action)
        {
            // Subscribed queries see the commit before the caller gets its answer.
            await subscriptions.NotifyCommitAsync(database.LatestTs);
        }

        ThrowIfSystemError(request.Path, result);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Encode(result, request.Format), cancellationToken);
    }

    /// <summary>Built-in <c>_system/</c> functions are for admins only.</summary>
    private static void RefuseSystemFunction(string path, bool allowInternal)
    {
        if (!allowInternal && FunctionRunner.IsSystemFunction(path))
        {
            throw new ApiError(StatusCodes.Status403Forbidden, "Unauthorized",
                $"{path} is a Convex system function: call it with an admin key (Authorization: Convex <key>)");
        }
    }

    /// <summary>A system error stays in the server's log; the caller gets the generic 500 envelope.</summary>
    private void ThrowIfSystemError(string path, FunctionResult result)
    {
        if (result.IsSystemError)
        {
            Log.FunctionSystemError(logger, path, result.ErrorMessage ?? "");
            throw ApiError.Internal();
        }
    }

    /// <summary>
    /// <c>/api/function</c>'s answer for an unknown or hidden function: the official backend's
    /// message, which the CLI's <c>run</c> looks for to list the available functions (§4.6).
    /// </summary>
    private FunctionResult NotFound(string path) => new()
    {
        ErrorMessage = $"Could not find function for '{UdfPath.Parse(path)}'. Did you forget to run `npx convex dev`?",
        Ts = database.LatestTs,
    };

    /// <summary>
    /// The kind to run as. For <see cref="Endpoint.Any"/>, null for an unknown or hidden function;
    /// an unparsable path or a built-in system function is run as a query, so that the runner
    /// answers it.
    /// </summary>
    private UdfKind? ResolveKind(Endpoint endpoint, string path, bool allowInternal)
    {
        switch (endpoint)
        {
            case Endpoint.Query:
                return UdfKind.Query;
            case Endpoint.Mutation:
                return UdfKind.Mutation;
            case Endpoint.Action:
                return UdfKind.Action;
            case Endpoint.Any:
                UdfPath parsed;
                try
                {
                    parsed = UdfPath.Parse(path);
                }
                catch (ConvexException)
                {
                    return UdfKind.Query;
                }

                if (FunctionRunner.IsSystemFunction(path))
                {
                    return UdfKind.Query;
                }

                var entry = runner.Deployment.Functions.Find(parsed);
                var visible = entry is not null
                    && (allowInternal || entry.Analysis.Visibility == Functions.Analysis.Visibility.Public);
                return visible ? entry!.Analysis.Kind : null;
            default:
                return Invariant.Unreachable<UdfKind?>("unknown endpoint");
        }
    }

    /// <summary>
    /// The §4.2 body: <c>{"status":"success","value",…}</c> or <c>{"status":"error","errorMessage",…}</c>.
    /// </summary>
    internal static ReadOnlyMemory<byte> Encode(FunctionResult result, ValueFormat format)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            if (result.Succeeded)
            {
                writer.WriteString("status", "success");
                writer.WritePropertyName("value");
                WriteValue(writer, result.Value ?? ConvexNull.Instance, format);
            }
            else
            {
                writer.WriteString("status", "error");
                writer.WriteString("errorMessage", result.ErrorMessage);
                if (result.ErrorData is { } data)
                {
                    writer.WritePropertyName("errorData");
                    WriteValue(writer, data, format);
                }
            }

            writer.WriteStartArray("logLines");
            foreach (var line in result.LogLines)
            {
                writer.WriteStringValue(line);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static void WriteValue(Utf8JsonWriter writer, ConvexValue value, ValueFormat format)
    {
        switch (format)
        {
            case ValueFormat.ConvexEncodedJson:
                ConvexJson.Write(writer, value);
                break;
            case ValueFormat.CleanJson:
                ConvexCleanJson.Write(writer, value);
                break;
        }
    }
}
