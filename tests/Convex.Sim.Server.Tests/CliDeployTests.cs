using System.Text.Json;

namespace Convex.Sim.Server.Tests;

/// <summary>
/// End to end: the official CLI (convex 1.48.0, <c>convex deploy -y</c>) pushes the TypeScript
/// corpus to a real server over the push protocol (convex-compat §6.3–§6.8). Needs Node on PATH and
/// <c>npm ci</c> in tests/functions.
/// </summary>
public sealed class CliDeployTests
{
    private const string ByBodyModule = """
        import { v } from "convex/values";
        import { query } from "./_generated/server";

        export const byBody = query({
          args: { body: v.string() },
          handler: async (ctx, { body }) =>
            await ctx.db.query("messages").withIndex("by_body", (q) => q.eq("body", body)).collect(),
        });
        """;

    [Fact]
    public async Task Deploy_redeploy_with_a_new_index_and_restart()
    {
        using var app = CliApp.Create();
        string dataDirectory;
        string adminKey;
        await using (var server = await TestServer.StartAsync(deploy: false))
        {
            dataDirectory = server.DataDirectory;
            adminKey = server.Server.Identity.AdminKey;
            var deployed = await app.RunAsync(server.Server.Url, adminKey, "deploy", "-y");
            Assert.True(deployed.ExitCode == 0, deployed.ToString());
            var generated = Path.Combine(app.ConvexDirectory, "_generated", "server.js");
            Assert.True(File.Exists(generated), deployed.ToString());

            const string Send =
                """{"path":"messages:send","args":{"author":"cli","body":"deployed","channel":"e2e"}}""";
            var (_, sent) = await server.PostAsync("/api/mutation", Send);
            Assert.Equal("success", sent.GetProperty("status").GetString());
            var (_, listed) = await server.PostAsync("/api/query",
                """{"path":"messages:list","args":{"channel":"e2e"},"format":"json"}""");
            var message = Assert.Single(listed.GetProperty("value").EnumerateArray());
            Assert.Equal("deployed", message.GetProperty("body").GetString());

            // The active modules are reported with the CLI's hashes, so an unchanged push reuses them.
            var (status, hashes) = await server.PostAsync("/api/get_config_hashes", "{}", adminKey);
            Assert.Equal(200, status);
            Assert.Contains(hashes.GetProperty("moduleHashes").EnumerateArray(),
                h => h.GetProperty("path").GetString() == "messages.js"
                    && h.GetProperty("hash").GetString()!.Length == 64);

            // A changed schema: a new index, and a new module that reads through it.
            var schemaPath = Path.Combine(app.ConvexDirectory, "schema.ts");
            var schema = File.ReadAllText(schemaPath);
            Assert.Contains(""".index("by_channel", ["channel"])""", schema, StringComparison.Ordinal);
            File.WriteAllText(schemaPath, schema.Replace(""".index("by_channel", ["channel"])""",
                """.index("by_channel", ["channel"]).index("by_body", ["body"])""", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(app.ConvexDirectory, "e2e.ts"), ByBodyModule);
            var redeployed = await app.RunAsync(server.Server.Url, adminKey, "deploy", "-y");
            Assert.True(redeployed.ExitCode == 0, redeployed.ToString());
            Assert.Contains("messages.by_body", redeployed.Stdout + redeployed.Stderr, StringComparison.Ordinal);

            var (_, found) = await server.PostAsync("/api/query",
                """{"path":"e2e:byBody","args":{"body":"deployed"},"format":"json"}""");
            Assert.True(found.GetProperty("status").GetString() == "success", found.ToString());
            Assert.Equal("cli", Assert.Single(found.GetProperty("value").EnumerateArray())
                .GetProperty("author").GetString());
            await server.StopAsync();

            // A restart on the same data directory serves the pushed deployment again.
            await using var restarted = await TestServer.StartAsync(dataDirectory, deploy: false);
            var (_, again) = await restarted.PostAsync("/api/query",
                """{"path":"e2e:byBody","args":{"body":"deployed"},"format":"json"}""");
            Assert.True(again.GetProperty("status").GetString() == "success", again.ToString());
            Assert.Single(again.GetProperty("value").EnumerateArray());
            var (_, afterRestart) = await restarted.PostAsync("/api/query",
                """{"path":"messages:list","args":{"channel":"e2e"},"format":"json"}""");
            Assert.Single(afterRestart.GetProperty("value").EnumerateArray());

            // Renaming the index: the old one is dropped, the new one built, and the CLI reports both.
            File.WriteAllText(schemaPath, File.ReadAllText(schemaPath).Replace(
                """.index("by_body", ["body"])""", """.index("by_text", ["body"])""", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(app.ConvexDirectory, "e2e.ts"), ByBodyModule.Replace("by_body", "by_text", StringComparison.Ordinal));
            var renamed = await app.RunAsync(restarted.Server.Url, adminKey, "deploy", "-y");
            Assert.True(renamed.ExitCode == 0, renamed.ToString());
            Assert.Contains("messages.by_text", renamed.Stdout + renamed.Stderr, StringComparison.Ordinal);
            Assert.Contains("messages.by_body", renamed.Stdout + renamed.Stderr, StringComparison.Ordinal);
            var messages = restarted.Server.Database.Catalog.FindTable("messages")!;
            Assert.Null(restarted.Server.Database.Catalog.FindIndex(messages.Number, "by_body"));
            var (_, viaRenamed) = await restarted.PostAsync("/api/query",
                """{"path":"e2e:byBody","args":{"body":"deployed"},"format":"json"}""");
            Assert.True(viaRenamed.GetProperty("status").GetString() == "success", viaRenamed.ToString());
            Assert.Single(viaRenamed.GetProperty("value").EnumerateArray());
        }
    }

    [Fact]
    public async Task A_wrong_admin_key_fails_the_cli()
    {
        using var app = CliApp.Create();
        await using var server = await TestServer.StartAsync(deploy: false);
        var result = await app.RunAsync(server.Server.Url, "convex-sim|0000", "deploy", "-y");
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("deploy key was invalid", result.Stdout + result.Stderr, StringComparison.Ordinal);
        var (_, listed) = await server.PostAsync("/api/query", """{"path":"messages:list","args":{}}""");
        Assert.Equal("error", listed.GetProperty("status").GetString());
    }
}
