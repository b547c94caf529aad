using Convex.Sim.Core.Values;
using Convex.Sim.Server.Auth;
using Convex.Sim.Sync;

namespace Convex.Sim.Server.Tests.Auth;

/// <summary>
/// User token validation (convex-compat §7.14.2, §7.14.4): signatures (RS256, ES256), key choice,
/// issuer and audience matching, times, OIDC discovery over HTTP, JWKS caching and refresh, and
/// the identity object. Expected identities are written out by hand.
/// </summary>
public sealed class TokenValidatorTests : IDisposable
{
    /// <summary>2026-01-01T00:00:00Z.</summary>
    private const long Now = 1767225600;

    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(Now);
    private readonly TestIssuer _issuer = new();
    private readonly ManualClock _clock = new(Start);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _issuer.Dispose();

    private TokenValidator CustomJwt(string algorithm = "RS256", string? jwks = null, string applicationId = "app")
    {
        var appField = applicationId.Length == 0 ? "" : $$""","applicationID":"{{applicationId}}" """;
        var config = $$"""
            {"providers":[{"type":"customJwt","issuer":"https://issuer.example.com","jwks":"{{jwks ?? _issuer.JwksDataUrl()}}",
                           "algorithm":"{{algorithm}}"{{appField}}}]}
            """;
        return Validator(config, new HttpKeyDocumentFetcher());
    }

    private TokenValidator Validator(string configJson, IKeyDocumentFetcher fetcher) =>
        new(new KeyDocumentCache(fetcher, _clock), _clock) { Config = AuthConfig.Parse(configJson) };

    private static string Claims(string extra = "", string iss = "https://issuer.example.com", string aud = "\"app\"",
        long exp = Now + 3600) =>
        $$"""{"iss":"{{iss}}","sub":"user-1","aud":{{aud}},"iat":{{Now - 10}},"exp":{{exp}}{{extra}}}""";

    private static string Error(UserTokenValidation validation)
    {
        Assert.Null(validation.Identity);
        return validation.Error!;
    }

    [Fact]
    public async Task An_RS256_token_from_an_inline_jwks_gives_the_custom_identity_with_raw_and_flattened_claims()
    {
        var token = _issuer.Sign(Claims(""","email":"a@b.c","given_name":"Ann","org":{"id":7,"role":{"name":"admin"}},"tags":["x"],"jti":"j","nbf":1"""));
        var validation = await CustomJwt().ValidateAsync(token, Ct);

        Assert.Null(validation.Error);
        Assert.Equal(
            """{"email":"a@b.c","given_name":"Ann","issuer":"https://issuer.example.com","org.id":7,"org.role.name":"admin","subject":"user-1","tags":["x"],"tokenIdentifier":"https://issuer.example.com|user-1"}""",
            ConvexJson.Encode(validation.Identity!.Claims));
        Assert.Equal(Start.AddSeconds(3600 + 5), validation.ExpiresAt);
    }

    [Fact]
    public async Task An_ES256_token_verifies_against_keys_fetched_over_http()
    {
        await using var server = await JwksServer.StartAsync(Ct);
        server.Set("/keys", _issuer.Jwks());
        var validator = CustomJwt("ES256", jwks: $"{server.Issuer}/keys");

        var validation = await validator.ValidateAsync(_issuer.Sign(Claims(), "ES256"), Ct);

        Assert.Equal("https://issuer.example.com|user-1", validation.Identity?.TokenIdentifier);
        Assert.Equal(1, server.Hits("/keys"));
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_refused()
    {
        using var other = new TestIssuer();
        var error = Error(await CustomJwt().ValidateAsync(other.Sign(Claims()), Ct));
        Assert.Contains("signature is invalid", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_payload_is_refused()
    {
        var parts = _issuer.Sign(Claims()).Split('.');
        var forged = System.Buffers.Text.Base64Url.EncodeToString(
            System.Text.Encoding.UTF8.GetBytes(Claims().Replace("user-1", "user-2", StringComparison.Ordinal)));
        var error = Error(await CustomJwt().ValidateAsync($"{parts[0]}.{forged}.{parts[2]}", Ct));
        Assert.Contains("signature is invalid", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_id_is_refused()
    {
        var error = Error(await CustomJwt().ValidateAsync(_issuer.Sign(Claims(), keyId: "nope"), Ct));
        Assert.Contains("key id \"nope\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_algorithm_other_than_the_configured_one_is_refused()
    {
        var error = Error(await CustomJwt("RS256").ValidateAsync(_issuer.Sign(Claims(), "ES256"), Ct));
        Assert.Contains("configured for RS256", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_token_is_refused_but_the_leeway_is_honoured()
    {
        var validator = CustomJwt();
        var expired = Error(await validator.ValidateAsync(_issuer.Sign(Claims(exp: Now - 6)), Ct));
        Assert.Contains("expired", expired, StringComparison.Ordinal);
        var withinLeeway = await validator.ValidateAsync(_issuer.Sign(Claims(exp: Now - 4)), Ct);
        Assert.Null(withinLeeway.Error);
    }

    [Fact]
    public async Task A_token_not_yet_valid_is_refused()
    {
        var error = Error(await CustomJwt().ValidateAsync(_issuer.Sign(Claims($",\"nbf\":{Now + 60}")), Ct));
        Assert.Contains("not valid before", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_issuer_is_refused_naming_the_configured_providers()
    {
        var error = Error(await CustomJwt().ValidateAsync(_issuer.Sign(Claims(iss: "https://evil.example.com")), Ct));
        Assert.Contains("No auth provider found matching the given token", error, StringComparison.Ordinal);
        Assert.Contains("CustomJWT(issuer=https://issuer.example.com, app_id=app)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_audience_is_refused_and_an_audience_list_containing_the_app_is_accepted()
    {
        var validator = CustomJwt();
        var error = Error(await validator.ValidateAsync(_issuer.Sign(Claims(aud: "\"other\"")), Ct));
        Assert.Contains("No auth provider found", error, StringComparison.Ordinal);
        var listed = await validator.ValidateAsync(_issuer.Sign(Claims(aud: """["other","app"]""")), Ct);
        Assert.Null(listed.Error);
    }

    [Fact]
    public async Task Issuers_match_without_scheme_and_trailing_slash()
    {
        var validator = CustomJwt(applicationId: "");
        var validation = await validator.ValidateAsync(_issuer.Sign(Claims(iss: "issuer.example.com/")), Ct);
        // The identifier keeps the token's raw iss.
        Assert.Equal("issuer.example.com/|user-1", validation.Identity?.TokenIdentifier);
    }

    [Fact]
    public async Task A_token_without_sub_or_exp_is_refused()
    {
        var validator = CustomJwt();
        var noSub = $$"""{"iss":"https://issuer.example.com","aud":"app","exp":{{Now + 60}}}""";
        Assert.Contains("\"sub\"", Error(await validator.ValidateAsync(_issuer.Sign(noSub), Ct)), StringComparison.Ordinal);
        var noExp = """{"iss":"https://issuer.example.com","sub":"s","aud":"app"}""";
        Assert.Contains("\"exp\"", Error(await validator.ValidateAsync(_issuer.Sign(noExp), Ct)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-jwt", "three base64url parts")]
    [InlineData("bm90LWpzb24.e30.AA", "not JSON")]
    [InlineData("", "three base64url parts")]
    public async Task A_malformed_token_is_refused_with_a_reason(string token, string reason)
    {
        Assert.Contains(reason, Error(await CustomJwt().ValidateAsync(token, Ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oidc_discovers_the_keys_caches_them_and_maps_standard_claims_to_camel_case()
    {
        await using var server = await JwksServer.StartAsync(Ct);
        server.ServeOidc(_issuer.Jwks());
        var validator = Validator(
            $$"""{"providers":[{"domain":"{{server.Issuer}}","applicationID":"web"}]}""", new HttpKeyDocumentFetcher());
        var claims = $$$"""
            {"iss":"{{{server.Issuer}}}","sub":"u9","aud":"web","exp":{{{Now + 60}}},"iat":{{{Now}}},
             "name":"Ann Lee","given_name":"Ann","family_name":"Lee","email":"ann@example.com","email_verified":true,
             "picture":"https://p/a.png","locale":"fr","zoneinfo":"Europe/Paris","birthdate":"2000-01-02",
             "updated_at":1700000000,"address":{"formatted":"1 Main St"},"azp":"client-1","org":{"id":1}}
            """;

        var first = await validator.ValidateAsync(_issuer.Sign(claims), Ct);
        var second = await validator.ValidateAsync(_issuer.Sign(claims, "ES256"), Ct);

        Assert.Null(first.Error);
        Assert.Equal(
            "{\"address\":\"1 Main St\",\"azp\":\"client-1\",\"birthday\":\"2000-01-02\",\"email\":\"ann@example.com\"," +
            "\"emailVerified\":true,\"familyName\":\"Lee\",\"givenName\":\"Ann\",\"issuer\":\"" + server.Issuer + "\"," +
            "\"language\":\"fr\",\"name\":\"Ann Lee\",\"org\":{\"id\":1},\"pictureUrl\":\"https://p/a.png\"," +
            "\"subject\":\"u9\",\"timezone\":\"Europe/Paris\",\"tokenIdentifier\":\"" + server.Issuer + "|u9\"," +
            "\"updatedAt\":\"2023-11-14T22:13:20+00:00\"}",
            ConvexJson.Encode(first.Identity!.Claims));
        Assert.Null(second.Error);
        Assert.Equal(1, server.Hits("/.well-known/openid-configuration"));
        Assert.Equal(1, server.Hits("/jwks.json"));
    }

    [Fact]
    public async Task An_unknown_key_id_refetches_the_keys_once_the_refresh_interval_has_passed()
    {
        await using var server = await JwksServer.StartAsync(Ct);
        server.ServeOidc(_issuer.Jwks());
        var validator = Validator(
            $$"""{"providers":[{"domain":"{{server.Issuer}}","applicationID":"web"}]}""", new HttpKeyDocumentFetcher());
        string Token(string kid) => _issuer.Sign(
            $$"""{"iss":"{{server.Issuer}}","sub":"u","aud":"web","exp":{{Now + 600}}}""", keyId: kid);
        Assert.Null((await validator.ValidateAsync(Token(TestIssuer.RsaKeyId), Ct)).Error);

        server.ServeOidc(_issuer.Jwks(rsaKeyId: "rsa-2")); // the provider rotates its key id
        Assert.NotNull((await validator.ValidateAsync(Token("rsa-2"), Ct)).Error); // too soon to refetch
        Assert.Equal(1, server.Hits("/jwks.json"));

        _clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Null((await validator.ValidateAsync(Token("rsa-2"), Ct)).Error);
        Assert.Equal(2, server.Hits("/jwks.json"));
    }

    [Fact]
    public async Task An_unreachable_jwks_is_a_refusal_not_a_crash()
    {
        await using var server = await JwksServer.StartAsync(Ct);
        var validator = CustomJwt(jwks: $"{server.Issuer}/missing");
        var error = Error(await validator.ValidateAsync(_issuer.Sign(Claims()), Ct));
        Assert.Contains("HTTP 404", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_providers_every_token_is_refused()
    {
        var validator = Validator("""{"providers":[]}""", new HttpKeyDocumentFetcher());
        var error = Error(await validator.ValidateAsync(_issuer.Sign(Claims()), Ct));
        Assert.Contains("no auth providers are configured", error, StringComparison.Ordinal);
    }
}
