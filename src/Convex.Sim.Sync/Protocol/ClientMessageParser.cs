using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Sync.Protocol;

/// <summary>
/// Parses one text frame from the client (convex-compat §3.3). Unknown fields are ignored; anything
/// else that does not match the protocol raises a <see cref="ProtocolException"/>.
/// </summary>
public static class ClientMessageParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 256 };

    /// <exception cref="ProtocolException">The frame is not a valid client message.</exception>
    public static ClientMessage Parse(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, Options);
        }
        catch (JsonException e)
        {
            throw new ProtocolException($"Malformed message: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ProtocolException("A message must be a JSON object");
            }

            var type = RequiredString(root, "type");
            return type switch
            {
                "Connect" => ParseConnect(root),
                "ModifyQuerySet" => ParseModifyQuerySet(root),
                "Mutation" => new MutationRequest(RequiredUInt(root, "requestId"), RequiredString(root, "udfPath"),
                    ParseArgs(root)),
                "Action" => new ActionRequest(RequiredUInt(root, "requestId"), RequiredString(root, "udfPath"),
                    ParseArgs(root)),
                "Authenticate" => ParseAuthenticate(root),
                "Event" => new ClientEvent(OptionalString(root, "eventType") ?? ""),
                _ => throw new ProtocolException($"Unknown message type \"{type}\""),
            };
        }
    }

    private static Connect ParseConnect(JsonElement root)
    {
        var maxObserved = OptionalString(root, "maxObservedTimestamp");
        long? clientTs = root.TryGetProperty("clientTs", out var ts) && ts.ValueKind == JsonValueKind.Number
            && ts.TryGetDouble(out var clientMs) && double.IsFinite(clientMs)
            ? (long)clientMs
            : null;
        return new Connect(
            RequiredString(root, "sessionId"),
            root.TryGetProperty("connectionCount", out _) ? RequiredUInt(root, "connectionCount") : 0,
            OptionalString(root, "lastCloseReason"),
            maxObserved is null ? null : TimestampEncoding.Decode(maxObserved),
            clientTs);
    }

    private static ModifyQuerySet ParseModifyQuerySet(JsonElement root)
    {
        var modifications = new List<QuerySetModification>();
        if (!root.TryGetProperty("modifications", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new ProtocolException("ModifyQuerySet needs a \"modifications\" array");
        }

        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new ProtocolException("A query set modification must be an object");
            }

            var queryId = new QueryId(RequiredUInt(item, "queryId"));
            var type = RequiredString(item, "type");
            modifications.Add(type switch
            {
                "Add" => new AddQuery(queryId, RequiredString(item, "udfPath"), ParseArgs(item),
                    OptionalString(item, "journal")),
                "Remove" => new RemoveQuery(queryId),
                _ => throw new ProtocolException($"Unknown query set modification \"{type}\""),
            });
        }

        var message = new ModifyQuerySet(new QuerySetVersion(RequiredUInt(root, "baseVersion")),
            new QuerySetVersion(RequiredUInt(root, "newVersion")), modifications);
        Invariant.Assert(message.Modifications.Count == list.GetArrayLength());
        return message;
    }

    private static Authenticate ParseAuthenticate(JsonElement root)
    {
        var tokenType = RequiredString(root, "tokenType") switch
        {
            "User" => TokenType.User,
            "Admin" => TokenType.Admin,
            "None" => TokenType.None,
            var other => throw new ProtocolException($"Unknown tokenType \"{other}\""),
        };
        return new Authenticate(tokenType, OptionalString(root, "value"),
            new IdentityVersion(RequiredUInt(root, "baseVersion")), Impersonating(root));
    }

    /// <summary>
    /// The optional <c>impersonating</c> (or <c>actingAs</c>) attribute object of an admin <c>Authenticate</c>.
    /// </summary>
    private static ConvexObject? Impersonating(JsonElement root)
    {
        if (!root.TryGetProperty("impersonating", out var attributes) && !root.TryGetProperty("actingAs", out attributes))
        {
            return null;
        }

        if (attributes.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        try
        {
            return ConvexJson.Decode(attributes) as ConvexObject
                ?? throw new ProtocolException("\"impersonating\" must be an object of user identity attributes");
        }
        catch (ConvexException e)
        {
            throw new ProtocolException($"Invalid \"impersonating\": {e.Message}");
        }
    }

    private static List<ConvexValue> ParseArgs(JsonElement parent)
    {
        if (!parent.TryGetProperty("args", out var args) || args.ValueKind != JsonValueKind.Array)
        {
            throw new ProtocolException("\"args\" must be an array of Convex JSON values");
        }

        var values = new List<ConvexValue>(args.GetArrayLength());
        foreach (var arg in args.EnumerateArray())
        {
            try
            {
                values.Add(ConvexJson.Decode(arg));
            }
            catch (ConvexException e)
            {
                throw new ProtocolException($"Invalid argument: {e.Message}");
            }
        }

        return values;
    }

    private static string RequiredString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new ProtocolException($"Missing or non-string field \"{name}\"");

    private static string? OptionalString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static uint RequiredUInt(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
        && value.TryGetUInt32(out var number)
            ? number
            : throw new ProtocolException($"Missing field \"{name}\" or not a u32");
}
