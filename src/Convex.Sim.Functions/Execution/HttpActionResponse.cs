using System.Text;
using System.Text.Json;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// What an HTTP action answered: status, header pairs and the whole body; for a HEAD request the
/// body is empty. Failures of the action itself are a 500 with Convex's JSON error body.
/// </summary>
public sealed record HttpActionResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public const string NoRoutesMessage = "No matching routes found";

    public const string NoRouterMessage = "This Convex deployment does not have HTTP actions enabled.";

    public string StatusText { get; init; } = "";

    /// <summary>The action's <c>[LEVEL] text</c> log lines.</summary>
    public IReadOnlyList<string> LogLines { get; init; } = [];

    /// <summary>The route as Convex names it (<c>GET /hello</c>, <c>POST /echo/*</c>); null if none matched.</summary>
    public string? Route { get; init; }

    /// <summary>Why the action failed (the 500's message), or null when it produced the response.</summary>
    public string? ErrorMessage { get; init; }

    public static HttpActionResponse Text(int status, string text) =>
        new(status, [new("content-type", "text/plain; charset=utf-8")], Encoding.UTF8.GetBytes(text));

    /// <summary>The 413 for a request body over <see cref="HttpActionRequest.BodySizeBytesMax"/>.</summary>
    public static HttpActionResponse RequestTooLarge() => Json(413, writer =>
    {
        writer.WriteString("code", "HttpRequestTooLarge");
        writer.WriteString("message",
            $"HTTP actions support request bodies up to {HttpActionRequest.BodySizeBytesMax >> 20} MiB");
    });

    /// <summary>
    /// The 500 of a failed action (convex-compat §4.7): <c>{"code", "trace", "data"?}</c>, where
    /// <c>data</c> is a <c>ConvexError</c>'s data in Convex JSON.
    /// </summary>
    public static HttpActionResponse Failure(string requestId, string message, ConvexValue? data) => Json(500, writer =>
    {
        writer.WriteString("code", $"[Request ID: {requestId}] Server Error: {message}");
        writer.WriteString("trace", message);
        if (data is not null)
        {
            writer.WritePropertyName("data");
            writer.WriteRawValue(ConvexJson.Encode(data));
        }
    }) with { ErrorMessage = message };

    private static HttpActionResponse Json(int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return new HttpActionResponse(status, [new("content-type", "application/json")], buffer.WrittenSpan.ToArray());
    }
}
