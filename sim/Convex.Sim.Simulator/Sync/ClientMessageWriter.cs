using System.Buffers;
using System.Text;
using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Simulator.Sync;

/// <summary>
/// Serializes the simulated client's messages to JSON text exactly as the official client sends
/// them (convex-compat §3.3): the server parses them with its real <see cref="ClientMessageParser"/>.
/// </summary>
internal static class ClientMessageWriter
{
    public static string Write(ClientMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            switch (message)
            {
                case Connect connect:
                    writer.WriteString("type", "Connect");
                    writer.WriteString("sessionId", connect.SessionId);
                    writer.WriteNumber("connectionCount", connect.ConnectionCount);
                    writer.WriteString("lastCloseReason", connect.LastCloseReason);
                    if (connect.MaxObservedTimestamp is { } max)
                    {
                        writer.WriteString("maxObservedTimestamp", TimestampEncoding.Encode(max));
                    }

                    if (connect.ClientTs is { } clientTs)
                    {
                        writer.WriteNumber("clientTs", clientTs);
                    }

                    break;
                case ModifyQuerySet modify:
                    WriteModifyQuerySet(writer, modify);
                    break;
                case MutationRequest mutation:
                    WriteRequest(writer, "Mutation", mutation.RequestId, mutation.UdfPath, mutation.Args);
                    break;
                case ActionRequest action:
                    WriteRequest(writer, "Action", action.RequestId, action.UdfPath, action.Args);
                    break;
                case Authenticate authenticate:
                    writer.WriteString("type", "Authenticate");
                    writer.WriteString("tokenType", authenticate.TokenType.ToString());
                    if (authenticate.Value is { } value)
                    {
                        writer.WriteString("value", value);
                    }

                    writer.WriteNumber("baseVersion", authenticate.BaseVersion.Value);
                    break;
                default:
                    Invariant.Unreachable($"the simulated client does not send {message.GetType().Name}");
                    break;
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteModifyQuerySet(Utf8JsonWriter writer, ModifyQuerySet modify)
    {
        Invariant.Assert(modify.NewVersion.Value == modify.BaseVersion.Value + 1);
        writer.WriteString("type", "ModifyQuerySet");
        writer.WriteNumber("baseVersion", modify.BaseVersion.Value);
        writer.WriteNumber("newVersion", modify.NewVersion.Value);
        writer.WriteStartArray("modifications");
        foreach (var change in modify.Modifications)
        {
            writer.WriteStartObject();
            switch (change)
            {
                case AddQuery add:
                    writer.WriteString("type", "Add");
                    writer.WriteNumber("queryId", add.QueryId.Value);
                    writer.WriteString("udfPath", add.UdfPath);
                    WriteArgs(writer, add.Args);
                    writer.WriteNull("journal");
                    break;
                case RemoveQuery remove:
                    writer.WriteString("type", "Remove");
                    writer.WriteNumber("queryId", remove.QueryId.Value);
                    break;
                default:
                    Invariant.Unreachable($"unknown modification {change.GetType().Name}");
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteRequest(
        Utf8JsonWriter writer, string type, uint requestId, string udfPath, IReadOnlyList<ConvexValue> args)
    {
        writer.WriteString("type", type);
        writer.WriteNumber("requestId", requestId);
        writer.WriteString("udfPath", udfPath);
        WriteArgs(writer, args);
    }

    private static void WriteArgs(Utf8JsonWriter writer, IReadOnlyList<ConvexValue> args)
    {
        writer.WriteStartArray("args");
        foreach (var arg in args)
        {
            ConvexJson.Write(writer, arg);
        }

        writer.WriteEndArray();
    }
}
