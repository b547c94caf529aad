using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Convex.Sim.Testing.Corpus;

namespace Convex.Sim.Server.Tests;

/// <summary>The push endpoints (convex-compat §6.4–§6.9) driven directly, Brotli bodies as the CLI sends.</summary>
public sealed class PushProtocolTests
{
    [Fact]
    public async Task A_brotli_push_goes_live_and_its_hashes_are_reported()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        var key = server.Server.Identity.AdminKey;
        var start = await PostBrotliAsync(server, "/api/deploy2/start_push", StartPushBody(key, CorpusModules()));
        Assert.True(start.Status == 200, start.Body.ToString());
        var analysis = start.Body.GetProperty("analysis").GetProperty("");
        var send = analysis.GetProperty("functions").GetProperty("messages.js").GetProperty("functions")
            .EnumerateArray().Single(f => f.GetProperty("name").GetString() == "send");
        Assert.Equal("Mutation", send.GetProperty("udfType").GetString());
        Assert.Equal("public", send.GetProperty("visibility").GetProperty("kind").GetString());
        Assert.Contains(analysis.GetProperty("schema").GetProperty("tables").EnumerateArray(),
            t => t.GetProperty("tableName").GetString() == "messages");
        var added = start.Body.GetProperty("schemaChange").GetProperty("indexDiffs").GetProperty("")
            .GetProperty("added_indexes");
        Assert.Contains(added.EnumerateArray(), i => i.GetProperty("name").GetString() == "messages.by_channel");

        // Nothing is live before finish_push.
        var (_, before) = await server.PostAsync("/api/query", """{"path":"messages:list","args":{}}""");
        Assert.Equal("error", before.GetProperty("status").GetString());

        var schemaChange = start.Body.GetProperty("schemaChange").GetRawText();
        var quotedKey = JsonSerializer.Serialize(key);
        var (waitStatus, wait) = await server.PostAsync("/api/deploy2/wait_for_schema",
            $$"""{"adminKey":{{quotedKey}},"schemaChange":{{schemaChange}},"timeoutMs":10000,"dryRun":false}""");
        Assert.Equal(200, waitStatus);
        Assert.Equal("complete", wait.GetProperty("type").GetString());
        var finish = await PostBrotliAsync(server, "/api/deploy2/finish_push",
            $$"""{"adminKey":{{quotedKey}},"startPush":{{start.Body.GetRawText()}},"dryRun":false,"message":null}""");
        Assert.True(finish.Status == 200, finish.Body.ToString());
        Assert.Equal("create", finish.Body.GetProperty("componentDiffs").GetProperty("").GetProperty("diffType")
            .GetProperty("type").GetString());

        var (_, after) = await server.PostAsync("/api/query", """{"path":"messages:list","args":{"channel":"p"}}""");
        Assert.True(after.GetProperty("status").GetString() == "success", after.ToString());

        var (_, hashes) = await server.PostAsync("/api/get_config_hashes", "{}", key);
        var messages = hashes.GetProperty("moduleHashes").EnumerateArray()
            .Single(h => h.GetProperty("path").GetString() == "messages.js");
        var source = CorpusBundle.Modules.Single(m => m.Path == "messages.js").Source;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source + "{}"))),
            messages.GetProperty("hash").GetString());
        Assert.Equal("isolate", messages.GetProperty("environment").GetString());
    }

    [Fact]
    public async Task Admin_key_is_required()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        var (status, body) = await server.PostAsync("/api/get_config_hashes", """{"version":"1.48.0"}""");
        Assert.Equal(403, status);
        Assert.Equal("BadDeployKey", body.GetProperty("code").GetString());
        (status, _) = await server.PostAsync("/api/get_config_hashes", "{}", "convex-sim|wrong");
        Assert.Equal(403, status);
        var key = JsonSerializer.Serialize(server.Server.Identity.AdminKey);
        (status, body) = await server.PostAsync("/api/get_config_hashes", $$"""{"adminKey":{{key}}}""");
        Assert.Equal(200, status);
        Assert.Equal("convex/", body.GetProperty("config").GetProperty("functions").GetString());
    }

    [Fact]
    public async Task Node_modules_and_analysis_failures_are_refused_with_a_message()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        var key = server.Server.Identity.AdminKey;
        var node = await PostBrotliAsync(server, "/api/deploy2/start_push", StartPushBody(key,
            [new("nodey.js", "\"use node\";\nexport const x = 1;\n", "node")]));
        Assert.Equal(400, node.Status);
        Assert.Contains("use node", node.Body.GetProperty("message").GetString(), StringComparison.Ordinal);

        var broken = await PostBrotliAsync(server, "/api/deploy2/start_push", StartPushBody(key,
            [new("broken.js", "export const = ;", "isolate")]));
        Assert.Equal(400, broken.Status);
        Assert.StartsWith("Hit an error while pushing:", broken.Body.GetProperty("message").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_abandoned_push_does_not_block_the_next_one()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        var key = server.Server.Identity.AdminKey;
        var abandoned = await PostBrotliAsync(server, "/api/deploy2/start_push", StartPushBody(key, CorpusModules()));
        Assert.Equal(200, abandoned.Status);
        var next = await PostBrotliAsync(server, "/api/deploy2/start_push", StartPushBody(key, CorpusModules()));
        Assert.Equal(200, next.Status);
        var finish = await PostBrotliAsync(server, "/api/deploy2/finish_push",
            $$"""{"adminKey":{{JsonSerializer.Serialize(key)}},"startPush":{{next.Body.GetRawText()}}}""");
        Assert.True(finish.Status == 200, finish.Body.ToString());
        var (_, listed) = await server.PostAsync(
            "/api/query", """{"path":"messages:list","args":{"channel":"p"}}""");
        Assert.True(listed.GetProperty("status").GetString() == "success", listed.ToString());
    }

    [Fact]
    public async Task Auth_config_providers_come_back_as_app_auth_and_a_bad_provider_fails_the_push()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        var key = server.Server.Identity.AdminKey;
        var config = new Module("auth.config.js",
            """export default { providers: [{ domain: "https://clerk.example.com", applicationID: "convex" }] };""",
            "isolate");
        var start = await PostBrotliAsync(server, "/api/deploy2/start_push", StartPushBody(key, [.. CorpusModules(), config]));
        Assert.True(start.Status == 200, start.Body.ToString());
        Assert.Equal("""[{"domain":"https://clerk.example.com","applicationID":"convex"}]""",
            start.Body.GetProperty("appAuth").GetRawText());
        var finish = await PostBrotliAsync(server, "/api/deploy2/finish_push",
            $$"""{"adminKey":{{JsonSerializer.Serialize(key)}},"startPush":{{start.Body.GetRawText()}}}""");
        Assert.True(finish.Status == 200, finish.Body.ToString());
        Assert.Equal("""{"added":["OIDC(domain=https://clerk.example.com, app_id=convex)"],"removed":[]}""",
            finish.Body.GetProperty("authDiff").GetRawText());

        var bad = new Module("auth.config.js",
            """export default { providers: [{ type: "customJwt", issuer: "i", jwks: "https://k", algorithm: "HS256" }] };""",
            "isolate");
        var refused = await PostBrotliAsync(server, "/api/deploy2/start_push", StartPushBody(key, [.. CorpusModules(), bad]));
        Assert.Equal(400, refused.Status);
        Assert.Equal("InvalidAuthConfig", refused.Body.GetProperty("code").GetString());
        Assert.Contains("providers[0].algorithm is \"HS256\"", refused.Body.GetProperty("message").GetString(),
            StringComparison.Ordinal);
    }

    private sealed record Module(string Path, string Source, string Environment);

    private static List<Module> CorpusModules() =>
        [.. CorpusBundle.Modules.Select(m => new Module(m.Path, m.Source, "isolate"))];

    private static string StartPushBody(string adminKey, IEnumerable<Module> modules)
    {
        static object Config(Module m) =>
            new { path = m.Path, source = m.Source, sourceMap = "{}", environment = m.Environment };
        var schema = CorpusBundle.Schema;
        return JsonSerializer.Serialize(new
        {
            adminKey,
            dryRun = false,
            functions = "convex/",
            appDefinition = new
            {
                definition = (object?)null,
                dependencies = Array.Empty<string>(),
                schema = Config(new Module(schema.Path, schema.Source, "isolate")),
                changedModules = modules.Select(Config).ToArray(),
                unchangedModuleHashes = Array.Empty<object>(),
                udfServerVersion = "1.48.0",
            },
            componentDefinitions = Array.Empty<object>(),
            nodeDependencies = Array.Empty<object>(),
            forCodegen = false,
        });
    }

    private static async Task<(int Status, JsonElement Body)> PostBrotliAsync(
        TestServer server, string path, string json)
    {
        using var compressed = new MemoryStream();
        await using (var brotli = new BrotliStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await brotli.WriteAsync(Encoding.UTF8.GetBytes(json), TestServer.Ct);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(compressed.ToArray()),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentEncoding.Add("br");
        request.Headers.Authorization = new AuthenticationHeaderValue("Convex", server.Server.Identity.AdminKey);
        using var response = await server.Http.SendAsync(request, TestServer.Ct);
        var text = await response.Content.ReadAsStringAsync(TestServer.Ct);
        using var document = JsonDocument.Parse(text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }
}
