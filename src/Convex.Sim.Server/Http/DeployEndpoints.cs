using System.Buffers;
using System.Text.Json;
using Convex.Sim.Server.Deployment;
using Microsoft.AspNetCore.Http;

namespace Convex.Sim.Server.Http;

/// <summary>
/// The endpoints <c>npx convex deploy</c> / <c>dev</c> / <c>codegen</c> call (convex-compat §6.3–§6.9,
/// with the 1.48.0 corrections of cli-deploy.md). All are admin-only. Push bodies arrive Brotli
/// compressed; <see cref="ConvexServer"/> decodes them before they get here.
/// </summary>
internal sealed class DeployEndpoints(
    PushCoordinator pushes, EnvironmentCoordinator environment, InstanceIdentity identity)
{
    /// <summary><c>POST /api/get_config_hashes</c> (§6.4): the hashes of the active modules.</summary>
    public async Task GetConfigHashesAsync(HttpContext context)
    {
        using var body = await ReadAuthorizedAsync(context);
        await WriteAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("config");
            writer.WriteString("functions", "convex/");
            writer.WriteEndObject();
            writer.WriteStartArray("moduleHashes");
            foreach (var module in pushes.Active.Modules)
            {
                writer.WriteStartObject();
                writer.WriteString("path", module.Path);
                writer.WriteString("environment", PushedModule.EnvironmentName(module.Environment));
                writer.WriteString("hash", module.Sha256); // what the CLI reads
                writer.WriteString("sha256", module.Sha256);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>POST /api/deploy2/evaluate_schema</c>: no predictions. Answering at all (rather than 404)
    /// keeps the CLI from looking up table sizes over the WebSocket when an index is removed.
    /// </summary>
    public async Task EvaluateSchemaAsync(HttpContext context)
    {
        using var body = await ReadAuthorizedAsync(context);
        await WriteRawAsync(context, """{"componentSchemaEvaluations":{},"newComponentDefinitions":[]}""");
    }

    /// <summary><c>POST /api/deploy2/evaluate_push</c> (§6.5): an empty schema change.</summary>
    public async Task EvaluatePushAsync(HttpContext context)
    {
        using var body = await ReadAuthorizedAsync(context);
        await WriteRawAsync(
            context, """{"schemaChange":{"allocatedComponentIds":{},"schemaIds":{},"indexDiffs":{}}}""");
    }

    /// <summary><c>POST /api/deploy2/start_push</c> (§6.6): analyze and register a pending push.</summary>
    public async Task StartPushAsync(HttpContext context)
    {
        using var body = await ReadAuthorizedAsync(context);
        var root = body.RootElement;
        if (root.TryGetProperty("componentDefinitions", out var components)
            && components.ValueKind == JsonValueKind.Array && components.GetArrayLength() > 0)
        {
            throw ApiError.BadRequest("ComponentsNotSupported",
                "Hit an error while pushing:\nConvex.Sim does not support components yet");
        }

        var app = root.TryGetProperty("appDefinition", out var a) && a.ValueKind == JsonValueKind.Object
            ? a
            : throw ApiError.BadRequest("BadJsonBody", "start_push needs an \"appDefinition\" object");
        var changed = app.TryGetProperty("changedModules", out var c) || app.TryGetProperty("functions", out c)
            ? c.EnumerateArray().Select(ParseModule).ToList()
            : [];
        var unchanged = app.TryGetProperty("unchangedModuleHashes", out var u) && u.ValueKind == JsonValueKind.Array
            ? u.EnumerateArray().Select(ParseHash).ToList()
            : [];
        var schema = app.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.Object
            ? ParseModule(s)
            : null;
        var serverVersion = app.TryGetProperty("udfServerVersion", out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : ConvexServer.Version;
        var push = await pushes.StartPushAsync(
            new PushRequest(changed, unchanged, schema, IsTrue(root, "dryRun")), context.RequestAborted);
        await WriteAsync(context, writer => PushResponseWriter.WriteStartPush(writer, push, serverVersion, environment.Variables));
    }

    /// <summary><c>POST /api/deploy2/wait_for_schema</c> (§6.7): data check and index backfill.</summary>
    public async Task WaitForSchemaAsync(HttpContext context)
    {
        using var body = await ReadAuthorizedAsync(context);
        var pushId = PushId(body.RootElement.TryGetProperty("schemaChange", out var change) ? change : default);
        var failure = await pushes.WaitForSchemaAsync(pushId, context.RequestAborted);
        await WriteAsync(context, writer =>
        {
            writer.WriteStartObject();
            if (failure is null)
            {
                writer.WriteString("type", "complete");
            }
            else
            {
                writer.WriteString("type", "failed");
                writer.WriteString("error", failure);
                writer.WriteString("componentPath", "");
                writer.WriteNull("tableName");
            }

            writer.WriteEndObject();
        });
    }

    /// <summary><c>POST /api/deploy2/finish_push</c> (§6.8): switch to the pushed deployment.</summary>
    public async Task FinishPushAsync(HttpContext context)
    {
        using var body = await ReadAuthorizedAsync(context);
        var root = body.RootElement;
        var startPush = root.TryGetProperty("startPush", out var sp) && sp.ValueKind == JsonValueKind.Object
            ? sp
            : throw ApiError.BadRequest("BadJsonBody", "finish_push needs the \"startPush\" response");
        var pushId = PushId(startPush.TryGetProperty("schemaChange", out var change) ? change : default);
        var dryRun = IsTrue(root, "dryRun");
        var outcome = await pushes.FinishPushAsync(pushId, dryRun, context.RequestAborted);
        await WriteAsync(context, writer => PushResponseWriter.WriteFinishPush(writer, outcome, dryRun));
    }

    /// <summary><c>POST /api/deploy2/report_push_completed</c>: timing spans, not kept.</summary>
    public async Task ReportPushCompletedAsync(HttpContext context)
    {
        using var body = await ReadAuthorizedAsync(context);
        await WriteRawAsync(context, "{}");
    }

    /// <summary><c>GET /api/v1/get_canonical_urls</c> (§6.9.1).</summary>
    public async Task CanonicalUrlsAsync(HttpContext context, Uri cloudUrl, Uri siteUrl)
    {
        AdminAuth.Require(context.Request, body: null, identity);
        await WriteAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("convexCloudUrl", cloudUrl.ToString().TrimEnd('/'));
            writer.WriteString("convexSiteUrl", siteUrl.ToString().TrimEnd('/'));
            writer.WriteEndObject();
        });
    }

    private async Task<JsonDocument> ReadAuthorizedAsync(HttpContext context)
    {
        var body = await FunctionRequest.ReadBodyAsync(context.Request, context.RequestAborted);
        try
        {
            AdminAuth.Require(context.Request, body.RootElement, identity);
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private static PushedModule ParseModule(JsonElement element)
    {
        var path = RequiredString(element, "path");
        var environmentName = element.TryGetProperty("environment", out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString()
            : "isolate";
        var environment = PushedModule.ParseEnvironment(environmentName)
            ?? throw ApiError.BadRequest("BadJsonBody", $"Module {path}: unknown environment \"{environmentName}\"");
        var sourceMap = element.TryGetProperty("sourceMap", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()
            : null;
        return new PushedModule(path, RequiredString(element, "source"), sourceMap, environment);
    }

    private static ModuleHash ParseHash(JsonElement element)
    {
        var path = RequiredString(element, "path");
        var environment = PushedModule.ParseEnvironment(RequiredString(element, "environment"))
            ?? throw ApiError.BadRequest("BadJsonBody", $"Module {path}: unknown environment");
        return new ModuleHash(path, environment, RequiredString(element, "sha256"));
    }

    /// <summary>The push id that start_push put in the opaque <c>schemaChange.schemaIds</c>.</summary>
    private static string PushId(JsonElement schemaChange) =>
        schemaChange.ValueKind == JsonValueKind.Object
        && schemaChange.TryGetProperty("schemaIds", out var ids) && ids.ValueKind == JsonValueKind.Object
        && ids.TryGetProperty(PushResponseWriter.PushIdField, out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()!
            : throw ApiError.BadRequest("BadJsonBody", "schemaChange.schemaIds does not name a push of this server");

    private static string RequiredString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw ApiError.BadRequest("BadJsonBody", $"Expected a string field \"{name}\" in a module");

    private static bool IsTrue(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static Task WriteRawAsync(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    private static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
