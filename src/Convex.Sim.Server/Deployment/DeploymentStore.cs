using System.Buffers;
using System.Text.Json;

namespace Convex.Sim.Server.Deployment;

/// <summary>
/// The active deployment's modules on disk, so that a restart serves the same functions: one JSON
/// file in the data directory, replaced atomically (temporary file, fsync, rename), so a crash
/// leaves either the previous deployment or the new one, never a mix.
/// </summary>
internal sealed class DeploymentStore(string dataDirectory)
{
    public const string FileName = "deployment.json";
    private const int FormatVersion = 1;

    public string FilePath { get; } = System.IO.Path.Combine(dataDirectory, FileName);

    public PushedApp? TryRead()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(FilePath));
        var root = document.RootElement;
        var version = root.GetProperty("version").GetInt32();
        if (version != FormatVersion)
        {
            throw new InvalidOperationException($"{FilePath}: unknown format version {version}");
        }

        var modules = root.GetProperty("modules").EnumerateArray().Select(ReadModule).ToList();
        var schema = root.GetProperty("schema");
        return new PushedApp(modules, schema.ValueKind == JsonValueKind.Null ? null : ReadModule(schema));
    }

    public void Write(PushedApp app)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", FormatVersion);
            writer.WriteStartArray("modules");
            foreach (var module in app.Modules)
            {
                WriteModule(writer, module);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("schema");
            if (app.Schema is { } schema)
            {
                WriteModule(writer, schema);
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WriteEndObject();
        }

        DurableFile.Replace(FilePath, buffer.WrittenSpan);
    }

    private static void WriteModule(Utf8JsonWriter writer, PushedModule module)
    {
        writer.WriteStartObject();
        writer.WriteString("path", module.Path);
        writer.WriteString("source", module.Source);
        writer.WriteString("sourceMap", module.SourceMap);
        writer.WriteString("environment", PushedModule.EnvironmentName(module.Environment));
        writer.WriteEndObject();
    }

    private static PushedModule ReadModule(JsonElement element)
    {
        var sourceMap = element.GetProperty("sourceMap");
        var environment = PushedModule.ParseEnvironment(element.GetProperty("environment").GetString())
            ?? throw new InvalidOperationException("deployment.json: unknown module environment");
        return new PushedModule(
            element.GetProperty("path").GetString()!,
            element.GetProperty("source").GetString()!,
            sourceMap.ValueKind == JsonValueKind.Null ? null : sourceMap.GetString(),
            environment);
    }
}
