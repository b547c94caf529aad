using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Server.Logs;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Convex.Sim.Server.Http;

/// <summary>
/// <c>GET /api/stream_function_logs?cursor=&lt;ms&gt;</c> (convex-compat §6.9.2), what
/// <c>npx convex logs</c> and <c>npx convex dev</c> poll: a long poll over the <see cref="FunctionLog"/>
/// that answers as soon as an execution finishes, or empty after <see cref="PollHoldMax"/>. Stopping
/// the server answers held polls at once, so they never delay a graceful shutdown. Admin only.
/// </summary>
internal sealed class LogEndpoints(FunctionLog log, InstanceIdentity identity, IHostApplicationLifetime lifetime)
{
    /// <summary>The official backend holds an empty poll for 60 s.</summary>
    public static readonly TimeSpan PollHoldMax = TimeSpan.FromSeconds(60);

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task StreamFunctionLogsAsync(HttpContext context)
    {
        AdminAuth.Require(context.Request, body: null, identity);
        var cursorText = context.Request.Query["cursor"].ToString();
        double cursor = 0;
        if (cursorText.Length > 0
            && (!double.TryParse(cursorText, NumberStyles.Float, CultureInfo.InvariantCulture, out cursor)
                || !double.IsFinite(cursor)))
        {
            throw ApiError.BadRequest(
                "InvalidCursor", $"cursor must be a number of milliseconds, not \"{cursorText}\"");
        }

        using var hold = CancellationTokenSource.CreateLinkedTokenSource(
            context.RequestAborted, lifetime.ApplicationStopping);
        FunctionLogBatch batch;
        try
        {
            batch = await log.ReadAsync(cursor, PollHoldMax, hold.Token);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            batch = new FunctionLogBatch([], cursor); // the server is stopping: answer now
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, batch);
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>
    /// <c>{"entries":[{kind:"Completion",…}],"newCursor":N}</c>. Log lines are the <c>[LEVEL] text</c>
    /// strings (§4.4), which the CLI prints as they are; actions keep theirs in the completion,
    /// because no separate progress entries are streamed.
    /// </summary>
    internal static void Write(Utf8JsonWriter writer, FunctionLogBatch batch)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("entries");
        foreach (var entry in batch.Entries)
        {
            var execution = entry.Execution;
            Invariant.Assert(execution.Duration >= TimeSpan.Zero);
            writer.WriteStartObject();
            writer.WriteString("kind", "Completion");
            writer.WriteString("udfType", UdfTypeName(execution.Kind));
            writer.WriteNull("componentPath");
            writer.WriteString("identifier", execution.Identifier);
            writer.WriteNumber("timestamp", entry.CompletedAt.ToUnixTimeMilliseconds() / 1000.0);
            writer.WriteNumber("executionTimestamp", execution.StartedAt.ToUnixTimeMilliseconds() / 1000.0);
            writer.WriteStartArray("logLines");
            foreach (var line in execution.LogLines)
            {
                writer.WriteStringValue(line);
            }

            writer.WriteEndArray();
            if (execution.Error is { } error)
            {
                writer.WriteString("error", error);
            }
            else
            {
                writer.WriteNull("error");
            }

            writer.WriteBoolean("cachedResult", false);
            writer.WriteNumber("executionTime", execution.Duration.TotalSeconds);
            writer.WriteString("environment", "isolate");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("newCursor", batch.NewCursor);
        writer.WriteEndObject();
    }

    private static string UdfTypeName(UdfKind kind) => kind switch
    {
        UdfKind.Query => "Query",
        UdfKind.Mutation => "Mutation",
        UdfKind.Action => "Action",
    };
}
