using System.Buffers;
using System.Text;
using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Sync.Protocol;

/// <summary>Serializes server messages to the JSON text of one frame, field names as the client reads them.</summary>
public static class ServerMessageWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    public static string Write(ServerMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            switch (message)
            {
                case Transition transition:
                    WriteTransition(writer, transition);
                    break;
                case MutationResponse response:
                    writer.WriteString("type", "MutationResponse");
                    writer.WriteNumber("requestId", response.RequestId);
                    WriteOutcome(writer, response.Outcome);
                    Invariant.Assert(response.Outcome.Succeeded == response.Ts.HasValue);
                    if (response.Ts is { } ts)
                    {
                        writer.WriteString("ts", TimestampEncoding.Encode(ts));
                    }
                    else
                    {
                        writer.WriteNull("ts");
                    }

                    break;
                case ActionResponse response:
                    writer.WriteString("type", "ActionResponse");
                    writer.WriteNumber("requestId", response.RequestId);
                    WriteOutcome(writer, response.Outcome);
                    break;
                case AuthError error:
                    writer.WriteString("type", "AuthError");
                    writer.WriteString("error", error.Error);
                    WriteOptionalNumber(writer, "baseVersion", error.BaseVersion?.Value);
                    writer.WriteBoolean("authUpdateAttempted", error.AuthUpdateAttempted);
                    break;
                case FatalError error:
                    writer.WriteString("type", "FatalError");
                    writer.WriteString("error", error.Error);
                    break;
                case TransitionChunk chunk:
                    writer.WriteString("type", "TransitionChunk");
                    writer.WriteString("chunk", chunk.Chunk);
                    writer.WriteNumber("partNumber", chunk.PartNumber);
                    writer.WriteNumber("totalParts", chunk.TotalParts);
                    writer.WriteString("transitionId", chunk.TransitionId);
                    break;
                case Ping:
                    writer.WriteString("type", "Ping");
                    break;
                default:
                    Invariant.Unreachable($"unknown server message {message.GetType().Name}");
                    break;
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteTransition(Utf8JsonWriter writer, Transition transition)
    {
        Invariant.Assert(transition.EndVersion.Ts >= transition.StartVersion.Ts);
        Invariant.Assert(transition.EndVersion.QuerySet.Value >= transition.StartVersion.QuerySet.Value);
        writer.WriteString("type", "Transition");
        WriteVersion(writer, "startVersion", transition.StartVersion);
        WriteVersion(writer, "endVersion", transition.EndVersion);
        writer.WriteStartArray("modifications");
        foreach (var modification in transition.Modifications)
        {
            WriteModification(writer, modification);
        }

        writer.WriteEndArray();
        WriteOptionalNumber(writer, "clientClockSkew", transition.ClientClockSkew);
        WriteOptionalNumber(writer, "serverTs", transition.ServerTs);
    }

    private static void WriteModification(Utf8JsonWriter writer, StateModification modification)
    {
        writer.WriteStartObject();
        switch (modification)
        {
            case QueryUpdated updated:
                writer.WriteString("type", "QueryUpdated");
                writer.WriteNumber("queryId", updated.QueryId.Value);
                writer.WritePropertyName("value");
                if (updated.ValueJson is { } json)
                {
                    writer.WriteRawValue(json, skipInputValidation: true);
                }
                else
                {
                    ConvexJson.Write(writer, updated.Value);
                }

                WriteLogLines(writer, updated.LogLines);
                WriteNullableString(writer, "journal", updated.Journal);
                break;
            case QueryFailed failed:
                writer.WriteString("type", "QueryFailed");
                writer.WriteNumber("queryId", failed.QueryId.Value);
                writer.WriteString("errorMessage", failed.ErrorMessage);
                WriteLogLines(writer, failed.LogLines);
                WriteNullableString(writer, "journal", failed.Journal);
                if (failed.ErrorData is { } data)
                {
                    writer.WritePropertyName("errorData");
                    ConvexJson.Write(writer, data);
                }

                break;
            case QueryRemoved removed:
                writer.WriteString("type", "QueryRemoved");
                writer.WriteNumber("queryId", removed.QueryId.Value);
                break;
            default:
                Invariant.Unreachable($"unknown state modification {modification.GetType().Name}");
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteOutcome(Utf8JsonWriter writer, FunctionOutcome outcome)
    {
        writer.WriteBoolean("success", outcome.Succeeded);
        writer.WritePropertyName("result");
        if (outcome.ErrorMessage is { } error)
        {
            writer.WriteStringValue(error);
        }
        else
        {
            ConvexJson.Write(writer, outcome.Value ?? ConvexNull.Instance);
        }

        WriteLogLines(writer, outcome.LogLines);
        if (!outcome.Succeeded && outcome.ErrorData is { } data)
        {
            writer.WritePropertyName("errorData");
            ConvexJson.Write(writer, data);
        }
    }

    private static void WriteVersion(Utf8JsonWriter writer, string name, StateVersion version)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("querySet", version.QuerySet.Value);
        writer.WriteNumber("identity", version.Identity.Value);
        writer.WriteString("ts", TimestampEncoding.Encode(version.Ts));
        writer.WriteEndObject();
    }

    private static void WriteLogLines(Utf8JsonWriter writer, IReadOnlyList<string> lines)
    {
        writer.WriteStartArray("logLines");
        foreach (var line in lines)
        {
            writer.WriteStringValue(line);
        }

        writer.WriteEndArray();
    }

    private static void WriteNullableString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptionalNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
