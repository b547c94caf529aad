using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Convex.Sim.Database.Schema;
using Convex.Sim.Functions.Analysis;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Server.Deployment;

namespace Convex.Sim.Server.Http;

/// <summary>
/// The JSON of the start_push and finish_push responses, in the shapes the 1.48.0 CLI's zod schemas
/// accept (convex-compat §6.6.3, §6.8; cli-deploy.md (c), "realistic").
/// </summary>
internal static class PushResponseWriter
{
    /// <summary>Our key inside the opaque <c>schemaChange.schemaIds</c>, echoed back by the CLI.</summary>
    public const string PushIdField = "convexSimPushId";

    /// <summary>
    /// The import-phase seed and time of <c>udfConfig</c> (§5.7): fixed for the server's lifetime.
    /// The runner seeds imports itself; these only satisfy the response shape.
    /// </summary>
    private static readonly byte[] ImportPhaseRngSeed = RandomNumberGenerator.GetBytes(32);

    private static readonly long ImportPhaseUnixNanoseconds =
        (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000L);

    /// <param name="environment">The user variables (the CLI redacts them in its logs).</param>
    public static void WriteStartPush(
        Utf8JsonWriter writer, PendingPush push, string serverVersion, EnvironmentVariables environment)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("environmentVariables");
        foreach (var (name, value) in environment.Entries)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        writer.WriteNull("externalDepsId");
        writer.WriteStartObject("componentDefinitionPackages");
        writer.WriteEndObject();
        writer.WritePropertyName("appAuth");
        push.Auth.WriteAppAuth(writer);

        writer.WriteStartObject("analysis");
        writer.WriteStartObject("");
        writer.WritePropertyName("definition");
        writer.WriteRawValue("""
            {"path":"","definitionType":{"type":"app"},"childComponents":[],"httpMounts":{},
             "exports":{"type":"branch","branch":[]}}
            """);
        writer.WritePropertyName("schema");
        WriteSchema(writer, push.Deployment.Schema);
        writer.WriteStartObject("functions");
        foreach (var module in push.Deployment.Functions.Modules)
        {
            WriteModule(writer, module);
        }

        writer.WriteEndObject();
        WriteUdfConfig(writer, serverVersion);
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WritePropertyName("app");
        writer.WriteRawValue("""
            {"definitionPath":"","componentPath":"","args":{},"childComponents":{},
             "httpRoutes":{"httpModuleRoutes":null,"mounts":[]},"exports":{}}
            """);

        writer.WriteStartObject("schemaChange");
        writer.WriteStartObject("allocatedComponentIds");
        writer.WriteEndObject();
        writer.WriteStartObject("schemaIds");
        writer.WriteString(PushIdField, push.Id);
        writer.WriteEndObject();
        writer.WriteStartObject("indexDiffs");
        writer.WritePropertyName("");
        WriteIndexDiff(writer, push.Indexes);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The diff summary; a dry run changed nothing, so its diff is empty.</summary>
    public static void WriteFinishPush(Utf8JsonWriter writer, PushOutcome outcome, bool dryRun)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("authDiff");
        WriteStrings(writer, "added", outcome.AuthAdded);
        WriteStrings(writer, "removed", outcome.AuthRemoved);
        writer.WriteEndObject();
        writer.WriteStartObject("definitionDiffs");
        writer.WriteEndObject();
        writer.WriteStartObject("componentDiffs");
        if (!dryRun)
        {
            writer.WriteStartObject("");
            writer.WriteStartObject("diffType");
            writer.WriteString("type", outcome.Created ? "create" : "modify");
            writer.WriteEndObject();
            writer.WriteStartObject("moduleDiff");
            WriteStrings(writer, "added", outcome.ModulesAdded);
            WriteStrings(writer, "removed", outcome.ModulesRemoved);
            writer.WriteEndObject();
            writer.WriteNull("udfConfigDiff");
            writer.WritePropertyName("cronDiff");
            writer.WriteRawValue("""{"added":[],"updated":[],"deleted":[]}""");
            writer.WritePropertyName("indexDiff");
            WriteIndexDiff(writer, outcome.Indexes);
            writer.WriteNull("schemaDiff");
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteModule(Utf8JsonWriter writer, AnalyzedModule module)
    {
        writer.WriteStartObject(module.Path);
        writer.WriteStartArray("functions");
        foreach (var function in module.Functions)
        {
            writer.WriteStartObject();
            writer.WriteString("name", function.Name);
            writer.WriteNull("pos");
            writer.WriteString("udfType", function.Kind switch
            {
                UdfKind.Query => "Query",
                UdfKind.Mutation => "Mutation",
                UdfKind.Action => "Action",
            });
            if (function.Visibility is { } visibility)
            {
                writer.WriteStartObject("visibility");
                writer.WriteString("kind", visibility switch
                {
                    Visibility.Public => "public",
                    Visibility.Internal => "internal",
                });
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("visibility");
            }

            writer.WriteString("args", function.ArgsJson);
            writer.WriteString("returns", function.ReturnsJson ?? "null");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNull("httpRoutes");
        writer.WriteNull("cronSpecs");
        writer.WriteNull("sourceMapped");
        writer.WriteEndObject();
    }

    private static void WriteUdfConfig(Utf8JsonWriter writer, string serverVersion)
    {
        Span<byte> timestamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(timestamp, ImportPhaseUnixNanoseconds);
        writer.WriteStartObject("udfConfig");
        writer.WriteString("serverVersion", serverVersion);
        writer.WriteStartObject("importPhaseRngSeed");
        writer.WriteBase64String("$bytes", ImportPhaseRngSeed);
        writer.WriteEndObject();
        writer.WriteStartObject("importPhaseUnixTimestamp");
        writer.WriteBase64String("$integer", timestamp);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The schema as the analysis reports it (§6.6.3), or null for an app without one.</summary>
    private static void WriteSchema(Utf8JsonWriter writer, DatabaseSchema? schema)
    {
        if (schema is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteStartArray("tables");
        foreach (var table in schema.Tables.Values)
        {
            writer.WriteStartObject();
            writer.WriteString("tableName", table.Name);
            writer.WriteStartArray("indexes");
            foreach (var index in table.Indexes)
            {
                writer.WriteStartObject();
                writer.WriteString("indexDescriptor", index.Name);
                WriteStrings(writer, "fields", index.Fields.Select(f => f.ToString()));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("searchIndexes");
            foreach (var index in table.SearchIndexes)
            {
                writer.WriteStartObject();
                writer.WriteString("indexDescriptor", index.Name);
                writer.WriteString("searchField", index.SearchField.ToString());
                WriteStrings(writer, "filterFields", index.FilterFields.Select(f => f.ToString()));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("vectorIndexes");
            foreach (var index in table.VectorIndexes)
            {
                writer.WriteStartObject();
                writer.WriteString("indexDescriptor", index.Name);
                writer.WriteString("vectorField", index.VectorField.ToString());
                writer.WriteNumber("dimensions", index.Dimensions);
                WriteStrings(writer, "filterFields", index.FilterFields.Select(f => f.ToString()));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WritePropertyName("documentType");
            writer.WriteRawValue(table.DocumentType?.ToJson() ?? """{"type":"any"}""");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteBoolean("schemaValidation", schema.SchemaValidation);
        writer.WriteEndObject();
    }

    /// <summary>An IndexDiff (snake_case keys): a changed index is removed and added.</summary>
    private static void WriteIndexDiff(Utf8JsonWriter writer, IndexPlan plan)
    {
        writer.WriteStartObject();
        WriteIndexes(writer, "added_indexes", plan.Added);
        WriteIndexes(writer, "removed_indexes", plan.Removed);
        writer.WriteEndObject();
    }

    private static void WriteIndexes(Utf8JsonWriter writer, string name, IReadOnlyList<IndexChange> indexes)
    {
        writer.WriteStartArray(name);
        foreach (var index in indexes)
        {
            writer.WriteStartObject();
            writer.WriteString("name", $"{index.Table}.{index.Name}");
            writer.WriteString("type", "database");
            WriteStrings(writer, "fields", index.Fields.Select(f => f.ToString()));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
