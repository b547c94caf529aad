using System.Buffers;
using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;

namespace Convex.Sim.Server.Deployment;

/// <summary>
/// The deployment's environment variables on disk, next to <c>deployment.json</c>: one JSON file
/// replaced atomically (temporary file, fsync, rename), so a crash leaves the old set or the new
/// one. The set is validated again when read, so a hand-edited file cannot smuggle in a bad name.
/// </summary>
internal sealed class EnvironmentStore(string dataDirectory)
{
    public const string FileName = "environment.json";
    private const int FormatVersion = 1;

    public string FilePath { get; } = Path.Combine(dataDirectory, FileName);

    /// <exception cref="InvalidOperationException">The file is damaged or of an unknown version.</exception>
    public EnvironmentVariables Read()
    {
        if (!File.Exists(FilePath))
        {
            return EnvironmentVariables.Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(FilePath));
            var root = document.RootElement;
            var version = root.GetProperty("version").GetInt32();
            if (version != FormatVersion)
            {
                throw new InvalidOperationException($"{FilePath}: unknown format version {version}");
            }

            var pairs = root.GetProperty("variables").EnumerateArray().Select(v => KeyValuePair.Create(
                v.GetProperty("name").GetString()!, v.GetProperty("value").GetString()!));
            return EnvironmentVariables.From(pairs);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or ConvexException)
        {
            throw new InvalidOperationException($"{FilePath} is damaged: {e.Message}", e);
        }
    }

    public void Write(EnvironmentVariables variables)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", FormatVersion);
            writer.WriteStartArray("variables");
            foreach (var (name, value) in variables.Entries)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString("value", value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        DurableFile.Replace(FilePath, buffer.WrittenSpan);
    }
}
