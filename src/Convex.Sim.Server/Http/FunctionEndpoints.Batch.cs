using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Server.Auth;
using Microsoft.AspNetCore.Http;

namespace Convex.Sim.Server.Http;

/// <summary>
/// Queries at a chosen timestamp (convex-compat §4.1): <c>/api/query_at_ts</c> runs one query at a
/// timestamp the client got from <c>/api/query_ts</c>; <c>/api/query_batch</c> runs several at one
/// timestamp, so their results are consistent with each other.
/// </summary>
internal sealed partial class FunctionEndpoints
{
    /// <summary><c>POST /api/query_at_ts</c>: <c>{path, args, ts, format}</c>, ts as from <c>query_ts</c>.</summary>
    public async Task QueryAtTimestampAsync(HttpContext context)
    {
        var caller = await authenticator.AuthenticateAsync(
            context.Request, adminOnly: false, context.RequestAborted);
        using var body = await FunctionRequest.ReadBodyAsync(context.Request, context.RequestAborted);
        var request = FunctionRequest.FromBody(body.RootElement, ValueFormat.CleanJson);
        var ts = ParseTimestamp(body.RootElement);
        var result = await RunQueryAtAsync(request, ts, caller, context.RequestAborted);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Encode(result, request.Format), context.RequestAborted);
    }

    /// <summary><c>POST /api/query_batch</c>: <c>{"queries":[{path,args,format},…]}</c> → <c>{"results":[…]}</c>.</summary>
    public async Task QueryBatchAsync(HttpContext context)
    {
        var caller = await authenticator.AuthenticateAsync(
            context.Request, adminOnly: false, context.RequestAborted);
        using var body = await FunctionRequest.ReadBodyAsync(context.Request, context.RequestAborted);
        if (!body.RootElement.TryGetProperty("queries", out var queries) || queries.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.BadRequest("BadJsonBody", "query_batch expects {\"queries\": [{path, args, format}, …]}");
        }

        var requests = queries.EnumerateArray().Select(q => FunctionRequest.FromBody(q, ValueFormat.CleanJson)).ToList();
        var ts = database.LatestTs;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("results");
            foreach (var request in requests)
            {
                var result = await RunQueryAtAsync(request, ts, caller, context.RequestAborted);
                writer.WriteRawValue(Encode(result, request.Format).Span, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private async Task<FunctionResult> RunQueryAtAsync(
        FunctionRequest request, Timestamp ts, Caller caller, CancellationToken cancellationToken)
    {
        RefuseSystemFunction(request.Path, caller.IsAdmin);
        var call = new FunctionCall(request.Path, request.Args)
        {
            AllowInternal = caller.IsAdmin,
            Identity = caller.User,
            At = ts,
        };
        var result = await runner.RunQueryAsync(call, cancellationToken);
        ThrowIfSystemError(request.Path, result);
        return result;
    }

    /// <summary>The <c>ts</c> field: base64 of the timestamp's 8 little-endian bytes, not after the latest commit.</summary>
    private Timestamp ParseTimestamp(JsonElement body)
    {
        if (!body.TryGetProperty("ts", out var field) || field.ValueKind != JsonValueKind.String
            || !field.TryGetBytesFromBase64(out var bytes) || bytes.Length != 8)
        {
            throw ApiError.BadRequest("InvalidTimestamp",
                "query_at_ts expects \"ts\": the base64 timestamp returned by /api/query_ts");
        }

        var ts = new Timestamp(BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        if (ts > database.LatestTs)
        {
            throw ApiError.BadRequest("InvalidTimestamp",
                $"Timestamp {ts.Value} is after the latest commit {database.LatestTs.Value}");
        }

        return ts;
    }
}
