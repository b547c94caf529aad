using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.WebApis;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// The host of one HTTP action: an action (<see cref="ActionHost"/>: runQuery, runMutation,
/// runAction, fetch, timers) plus the two jsSyscalls through which the router's
/// <c>runRequest</c> turns our request descriptor into a <c>Request</c> and its <c>Response</c>
/// back into a descriptor (convex-compat §4.7, §5.3). The descriptors are ours: a request is
/// <c>{url, method, headers: [[name, value]...], bodyId}</c> and a response
/// <c>{status, statusText, headers, bodyId}</c>, where a body id names bytes this host keeps, so
/// that a body never travels through JSON text.
/// </summary>
internal sealed class HttpActionHost(ActionHost action, HttpActionRequest request)
    : IExecutionHost, IEnvironmentVariablesHost
{
    // Bodies by id, in the order they were handed over; an id is an index.
    private readonly List<byte[]> _bodies = [];

    public LogCollector Logs => action.Logs;

    public bool AllowsTimers => action.AllowsTimers;

    public string? GetEnvironmentVariable(string name) => action.GetEnvironmentVariable(name);

    /// <summary>The descriptor of the request, the first argument of <c>runRequest</c>.</summary>
    public string RequestDescriptor()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("url", request.Url);
            writer.WriteString("method", request.Method);
            writer.WriteStartArray("headers");
            foreach (var (name, value) in request.Headers)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(name);
                writer.WriteStringValue(value);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            if (request.Body is { } body)
            {
                writer.WriteNumber("bodyId", Keep(body));
            }
            else
            {
                writer.WriteNull("bodyId");
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The response a descriptor returned by <c>runRequest</c> stands for.</summary>
    /// <exception cref="ConvexException">The descriptor is not one this host made.</exception>
    public HttpResponseParts ResponseFromDescriptor(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var pair in root.GetProperty("headers").EnumerateArray())
            {
                headers.Add(new(pair[0].GetString()!, pair[1].GetString()!));
            }

            var id = root.GetProperty("bodyId").GetInt32();
            var status = root.GetProperty("status").GetInt32();
            var statusText = root.GetProperty("statusText").GetString() ?? "";
            return new HttpResponseParts(status, statusText, headers, Body(id));
        }
        catch (Exception e)
            when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ConvexException("InvalidHttpResponse",
                $"The router's runRequest returned an invalid response descriptor: {e.Message}");
        }
    }

    public string Syscall(string op, string argsJson) => action.Syscall(op, argsJson);

    public ValueTask<string> AsyncSyscallAsync(string op, string argsJson, CancellationToken cancellationToken) =>
        op == "1.0/getUserIdentity" && request.IdentityError is { } error
            ? throw new ConvexException("Unauthenticated", error)
            : action.AsyncSyscallAsync(op, argsJson, cancellationToken);

    public JsValue JsSyscall(string op, JsValue args) => op switch
    {
        "requestFromConvexJson" => RequestFromConvexJson(args),
        "convexJsonFromResponse" => ConvexJsonFromResponse(args),
        _ => action.JsSyscall(op, args),
    };

    public void Log(LogLevel level, string message) => action.Log(level, message);

    public double NextRandom() => action.NextRandom();

    public void NextBytes(Span<byte> destination) => action.NextBytes(destination);

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        action.DelayAsync(delay, cancellationToken);

    public Task<Runtime.Network.HttpFetchResponse> FetchAsync(
        Runtime.Network.HttpFetchRequest fetch, CancellationToken cancellationToken) =>
        action.FetchAsync(fetch, cancellationToken);

    private JsValue RequestFromConvexJson(JsValue args)
    {
        if (args is not ObjectInstance argsObject || argsObject.Get("convexJson") is not ObjectInstance descriptor)
        {
            throw new ConvexException("BadJsSyscallArguments",
                "requestFromConvexJson expects {convexJson: <request descriptor>}");
        }

        var engine = argsObject.Engine;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var pair in descriptor.Get("headers").AsArray())
        {
            var entry = pair.AsArray();
            headers.Add(new(TypeConverter.ToString(entry[0]), TypeConverter.ToString(entry[1])));
        }

        var bodyId = descriptor.Get("bodyId");
        var body = bodyId.IsNull() || bodyId.IsUndefined() ? null : Body((int)TypeConverter.ToNumber(bodyId));
        var url = TypeConverter.ToString(descriptor.Get("url"));
        var method = TypeConverter.ToString(descriptor.Get("method"));
        return HttpActionBridge.Of(engine).CreateRequest(url, method, headers, body);
    }

    private JsValue ConvexJsonFromResponse(JsValue args)
    {
        if (args is not ObjectInstance argsObject)
        {
            throw new ConvexException("BadJsSyscallArguments", "convexJsonFromResponse expects {response}");
        }

        var engine = argsObject.Engine;
        var parts = HttpActionBridge.Of(engine).ReadResponse(argsObject.Get("response"));
        var descriptor = new JsObject(engine);
        descriptor.Set("status", JsNumber.Create(parts.Status));
        descriptor.Set("statusText", new JsString(parts.StatusText));
        descriptor.Set("headers", new JsArray(engine, [.. parts.Headers.Select(h =>
            (JsValue)new JsArray(engine, [new JsString(h.Key), new JsString(h.Value)]))]));
        descriptor.Set("bodyId", JsNumber.Create(Keep(parts.Body)));
        return descriptor;
    }

    private int Keep(byte[] body)
    {
        _bodies.Add(body);
        return _bodies.Count - 1;
    }

    private byte[] Body(int id) =>
        id >= 0 && id < _bodies.Count
            ? _bodies[id]
            : throw new ConvexException("InvalidHttpBody", $"No HTTP body with id {id} in this execution");
}
