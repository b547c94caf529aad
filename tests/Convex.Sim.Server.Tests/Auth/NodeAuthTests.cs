namespace Convex.Sim.Server.Tests.Auth;

/// <summary>
/// End to end with the official packages: the CLI pushes an app whose <c>convex/auth.config.ts</c>
/// names a custom JWT provider (keys served by a local <see cref="JwksServer"/>), and the official
/// <c>ConvexClient</c>'s <c>setAuth</c> makes <c>messages:whoami</c> answer the user
/// (tests/functions/auth-client.mjs). A malformed token and one from an untrusted issuer leave the
/// client unauthenticated while the server goes on answering.
/// </summary>
public sealed class NodeAuthTests
{
    private const string Issuer = "https://auth.e2e.example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_official_client_signs_in_with_a_token_for_a_provider_pushed_by_the_cli()
    {
        using var issuer = new TestIssuer();
        await using var keys = await JwksServer.StartAsync(Ct);
        keys.Set("/jwks", issuer.Jwks());
        using var app = CliApp.Create();
        File.WriteAllText(Path.Combine(app.ConvexDirectory, "auth.config.ts"), $$"""
            export default {
              providers: [
                {
                  type: "customJwt",
                  issuer: "{{Issuer}}",
                  jwks: "{{keys.Issuer}}/jwks",
                  algorithm: "ES256",
                  applicationID: "e2e-app",
                },
              ],
            };
            """);
        await using var server = await TestServer.StartAsync(deploy: false);
        var deployed = await app.RunAsync(server.Server.Url, server.Server.Identity.AdminKey, "deploy", "-y");
        Assert.True(deployed.ExitCode == 0, deployed.ToString());

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Token(string iss) => issuer.Sign(
            $$"""{"iss":"{{iss}}","sub":"ada","aud":"e2e-app","iat":{{now}},"exp":{{now + 600}},"name":"Ada"}""", "ES256");
        var run = await app.RunScriptAsync(server.Server.Url, "auth-client.mjs", new Dictionary<string, string>
        {
            ["GOOD_TOKEN"] = Token(Issuer),
            ["MALFORMED_TOKEN"] = "this.is-not.a-jwt",
            ["FOREIGN_TOKEN"] = Token("https://untrusted.example.com"),
        });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            [
                "good: authenticated=true identity={\"issuer\":\"https://auth.e2e.example.com\",\"name\":\"Ada\"," +
                "\"subject\":\"ada\",\"tokenIdentifier\":\"https://auth.e2e.example.com|ada\"}",
                "malformed: authenticated=false identity=null",
                "foreign: authenticated=false identity=null",
            ],
            // The client also logs its reconnects (after each AuthError) to stdout.
            run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(line => !line.StartsWith("WebSocket", StringComparison.Ordinal)));
    }
}
