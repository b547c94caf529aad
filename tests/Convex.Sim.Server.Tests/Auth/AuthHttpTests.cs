using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Testing.Corpus;

namespace Convex.Sim.Server.Tests.Auth;

/// <summary>
/// User identity over HTTP (convex-compat §4.3, §7.14): <c>Authorization: Bearer</c> on the function
/// endpoints and HTTP actions, refused tokens as 401 <c>InvalidAuthHeader</c> (the server keeps
/// serving), an admin acting as a user, and the providers of a pushed <c>auth.config.js</c>
/// surviving a restart. The provider's keys are served by a local <see cref="JwksServer"/>.
/// </summary>
public sealed class AuthHttpTests : IAsyncLifetime
{
    private const string Issuer = "https://issuer.example.com";
    private readonly TestIssuer _issuer = new();
    private JwksServer _keys = null!;
    private TestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _keys = await JwksServer.StartAsync(Ct);
        _keys.Set("/keys", _issuer.Jwks());
        _server = await TestServer.StartAsync(deploy: false);
        await DeployWithAuthAsync(_server);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _keys.DisposeAsync();
        _issuer.Dispose();
    }

    private async Task DeployWithAuthAsync(TestServer server)
    {
        var authConfig = new ModuleSource("auth.config.js", $$"""
            export default {
              providers: [
                { type: "customJwt", issuer: "{{Issuer}}", jwks: "{{_keys.Issuer}}/keys", algorithm: "RS256", applicationID: "app" },
              ],
            };
            """);
        await server.Server.DeployAsync([.. CorpusBundle.Modules, authConfig], CorpusBundle.Schema, Ct);
    }

    private string Token(string issuer = Issuer, string subject = "user-1")
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        return _issuer.Sign($$"""{"iss":"{{issuer}}","sub":"{{subject}}","aud":"app","exp":{{exp}},"plan":"pro"}""");
    }

    private static async Task<(int Status, JsonElement Body)> SendAsync(
        HttpClient http, string path, string json, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request, Ct);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    private Task<(int Status, JsonElement Body)> WhoAmIAsync(AuthenticationHeaderValue? authorization) =>
        SendAsync(_server.Http, "/api/query", """{"path":"messages:whoami","args":{}}""", authorization);

    private const string Identity =
        """{"issuer":"https://issuer.example.com","plan":"pro","subject":"user-1","tokenIdentifier":"https://issuer.example.com|user-1"}""";

    [Fact]
    public async Task A_Bearer_token_makes_queries_see_the_user()
    {
        var (status, body) = await WhoAmIAsync(new AuthenticationHeaderValue("Bearer", Token()));
        Assert.Equal(200, status);
        Assert.Equal(Identity, body.GetProperty("value").GetRawText());

        var (runStatus, run) = await SendAsync(
            _server.Http, "/api/run/messages/whoami", """{"args":{}}""", new AuthenticationHeaderValue("Bearer", Token()));
        Assert.Equal(200, runStatus);
        Assert.Equal(Identity, run.GetProperty("value").GetRawText());
    }

    [Fact]
    public async Task A_malformed_token_and_an_unconfigured_issuer_are_401_and_the_server_keeps_serving()
    {
        var (malformedStatus, malformed) = await WhoAmIAsync(new AuthenticationHeaderValue("Bearer", "garbage"));
        Assert.Equal(401, malformedStatus);
        Assert.Equal("InvalidAuthHeader", malformed.GetProperty("code").GetString());
        Assert.Contains("Could not decode token", malformed.GetProperty("message").GetString(), StringComparison.Ordinal);

        var (foreignStatus, foreign) = await WhoAmIAsync(
            new AuthenticationHeaderValue("Bearer", Token(issuer: "https://elsewhere.example.com")));
        Assert.Equal(401, foreignStatus);
        Assert.Equal("InvalidAuthHeader", foreign.GetProperty("code").GetString());
        Assert.Contains("No auth provider found", foreign.GetProperty("message").GetString(), StringComparison.Ordinal);

        var (anonymousStatus, anonymous) = await WhoAmIAsync(null);
        Assert.Equal(200, anonymousStatus);
        Assert.Equal(JsonValueKind.Null, anonymous.GetProperty("value").ValueKind);
    }

    [Fact]
    public async Task An_admin_key_with_an_identity_acts_as_that_user()
    {
        var attributes = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"issuer":"https://i","subject":"s2"}"""));
        var (status, body) = await WhoAmIAsync(
            new AuthenticationHeaderValue("Convex", $"{_server.Server.Identity.AdminKey}:{attributes}"));
        Assert.Equal(200, status);
        Assert.Equal("""{"issuer":"https://i","subject":"s2","tokenIdentifier":"https://i|s2"}""",
            body.GetProperty("value").GetRawText());
    }

    [Fact]
    public async Task An_http_action_sees_the_user_of_a_Bearer_token()
    {
        using var site = new HttpClient { BaseAddress = _server.Server.SiteUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/identity");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token());
        using var response = await site.SendAsync(request, Ct);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(Identity, document.RootElement.GetProperty("identity").GetRawText());
    }

    [Fact]
    public async Task The_providers_survive_a_restart()
    {
        await _server.StopAsync();
        _server = await TestServer.StartAsync(_server.DataDirectory, deploy: false);
        var (status, body) = await WhoAmIAsync(new AuthenticationHeaderValue("Bearer", Token()));
        Assert.Equal(200, status);
        Assert.Equal(Identity, body.GetProperty("value").GetRawText());
    }
}
