using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Simulator.Sync;

/// <summary>
/// Parses the server's JSON text the way the official client reads it (convex-compat §3.4). The
/// simulated client only ever reads what the real <see cref="ServerMessageWriter"/> wrote, so a
/// malformed message is a server bug and fails the run.
/// </summary>
internal static class ServerMessageReader
{
    public static ServerMessage Read(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var type = root.GetProperty("type").GetString();
        return type switch
        {
            "Transition" => ReadTransition(root),
            "MutationResponse" => new MutationResponse(root.GetProperty("requestId").GetUInt32(), ReadOutcome(root),
                root.GetProperty("ts").ValueKind == JsonValueKind.String
                    ? TimestampEncoding.Decode(root.GetProperty("ts").GetString()!)
                    : null),
            "ActionResponse" => new ActionResponse(root.GetProperty("requestId").GetUInt32(), ReadOutcome(root)),
            "Ping" => Ping.Instance,
            "FatalError" => new FatalError(root.GetProperty("error").GetString()!),
            "AuthError" => new AuthError(root.GetProperty("error").GetString()!,
                root.GetProperty("baseVersion").ValueKind == JsonValueKind.Number
                    ? new IdentityVersion(root.GetProperty("baseVersion").GetUInt32())
                    : null,
                root.GetProperty("authUpdateAttempted").GetBoolean()),
            "TransitionChunk" => new TransitionChunk(root.GetProperty("chunk").GetString()!,
                root.GetProperty("partNumber").GetInt32(), root.GetProperty("totalParts").GetInt32(),
                root.GetProperty("transitionId").GetString()!),
            _ => Invariant.Unreachable<ServerMessage>($"unknown server message type {type}"),
        };
    }

    private static Transition ReadTransition(JsonElement root)
    {
        var modifications = new List<StateModification>();
        foreach (var item in root.GetProperty("modifications").EnumerateArray())
        {
            var id = new QueryId(item.GetProperty("queryId").GetUInt32());
            modifications.Add(item.GetProperty("type").GetString() switch
            {
                "QueryUpdated" => new QueryUpdated(id, ConvexJson.Decode(item.GetProperty("value")), LogLines(item), null),
                "QueryFailed" => new QueryFailed(id, item.GetProperty("errorMessage").GetString()!, LogLines(item), null, null),
                "QueryRemoved" => new QueryRemoved(id),
                var other => Invariant.Unreachable<StateModification>($"unknown state modification {other}"),
            });
        }

        return new Transition(ReadVersion(root.GetProperty("startVersion")), ReadVersion(root.GetProperty("endVersion")),
            modifications, null, null);
    }

    private static StateVersion ReadVersion(JsonElement version) => new(
        new QuerySetVersion(version.GetProperty("querySet").GetUInt32()),
        new IdentityVersion(version.GetProperty("identity").GetUInt32()),
        TimestampEncoding.Decode(version.GetProperty("ts").GetString()!));

    private static FunctionOutcome ReadOutcome(JsonElement root)
    {
        var result = root.GetProperty("result");
        return root.GetProperty("success").GetBoolean()
            ? new FunctionOutcome(ConvexJson.Decode(result), null, null, LogLines(root))
            : new FunctionOutcome(null, result.GetString(), null, LogLines(root));
    }

    private static List<string> LogLines(JsonElement parent) =>
        [.. parent.GetProperty("logLines").EnumerateArray().Select(l => l.GetString()!)];
}
