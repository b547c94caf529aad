using Convex.Sim.Core;
using Convex.Sim.Sync;

namespace Convex.Sim.Server.Auth;

/// <summary>
/// Validates user tokens (JWTs) against the active deployment's <c>auth.config.js</c> providers
/// (convex-compat §7.14.2), for the sync protocol's <c>Authenticate</c> and HTTP
/// <c>Authorization: Bearer</c>. Steps: decode without verifying; pick the first provider whose
/// issuer matches <c>iss</c> (normalized) and whose <c>applicationID</c>, if any, is in <c>aud</c>;
/// find the provider's key by <c>kid</c> (OIDC discovery or the custom JWKS URL, cached); verify
/// the signature; require <c>sub</c> and <c>exp</c>; check <c>exp</c>, <c>nbf</c> and <c>iat</c> with
/// <see cref="Leeway"/>. Time comes from the runtime clock.
/// </summary>
internal sealed class TokenValidator(KeyDocumentCache keys, TimeProvider clock)
{
    /// <summary>Clock skew tolerated between the token's issuer and this server.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(5);

    private AuthConfig _config = AuthConfig.Empty;

    /// <summary>The providers tokens are checked against; replaced when a push becomes active.</summary>
    public AuthConfig Config
    {
        get => Volatile.Read(ref _config);
        set => Volatile.Write(ref _config, value);
    }

    /// <summary>The identity a token proves, or why it proves none. Never throws for a bad token.</summary>
    public async ValueTask<UserTokenValidation> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            return await CheckAsync(token, cancellationToken);
        }
        catch (InvalidTokenException e)
        {
            return UserTokenValidation.Invalid(e.Message);
        }
    }

    private async Task<UserTokenValidation> CheckAsync(string token, CancellationToken cancellationToken)
    {
        var jwt = Jwt.Parse(token.Trim());
        var issuer = jwt.Issuer ?? throw new InvalidTokenException("Token is missing the \"iss\" (issuer) claim");
        var provider = MatchProvider(jwt, issuer);
        var algorithm = jwt.Algorithm switch
        {
            "RS256" => SigningAlgorithm.RS256,
            "ES256" => SigningAlgorithm.ES256,
            var other => throw new InvalidTokenException(
                $"Token is signed with \"{other}\"; supported algorithms are RS256 and ES256"),
        };
        if (provider.Algorithm is { } expected && expected != algorithm)
        {
            throw new InvalidTokenException(
                $"Token is signed with {algorithm}, but the provider {provider.Describe()} is configured for {expected}");
        }

        await VerifySignatureAsync(jwt, provider, algorithm, cancellationToken);
        if (jwt.Subject is null)
        {
            throw new InvalidTokenException("Token is missing the \"sub\" (subject) claim");
        }

        var expiresAt = CheckTimes(jwt);
        return UserTokenValidation.Valid(IdentityClaims.For(jwt, provider.Kind), expiresAt);
    }

    private AuthProvider MatchProvider(Jwt jwt, string issuer)
    {
        var normalized = AuthProvider.NormalizeIssuer(issuer);
        var audiences = jwt.Audiences;
        var providers = Config.Providers;
        foreach (var provider in providers)
        {
            if (AuthProvider.NormalizeIssuer(provider.Issuer) == normalized
                && (provider.ApplicationId is not { } app || audiences.Contains(app, StringComparer.Ordinal)))
            {
                return provider;
            }
        }

        var configured = providers.Count == 0
            ? "no auth providers are configured (add convex/auth.config.ts and push)"
            : "the configured providers are: " + string.Join(", ", providers.Select(p => p.Describe()));
        throw new InvalidTokenException(
            $"No auth provider found matching the given token (iss \"{issuer}\", aud [{string.Join(", ", audiences)}]); " +
            configured);
    }

    private async Task VerifySignatureAsync(
        Jwt jwt, AuthProvider provider, SigningAlgorithm algorithm, CancellationToken cancellationToken)
    {
        var jwksUrl = provider.Kind switch
        {
            AuthProviderKind.Oidc =>
                await keys.GetJwksUriAsync(AuthProvider.NormalizeIssuer(provider.Issuer), cancellationToken),
            AuthProviderKind.CustomJwt => provider.Jwks!,
        };
        var candidates = Candidates(await keys.GetKeysAsync(jwksUrl, refresh: false, cancellationToken), jwt, algorithm);
        if (candidates.Count == 0 && jwt.KeyId is not null)
        {
            // The provider may have rotated its keys since the set was fetched.
            candidates = Candidates(await keys.GetKeysAsync(jwksUrl, refresh: true, cancellationToken), jwt, algorithm);
        }

        if (candidates.Count == 0)
        {
            throw new InvalidTokenException(jwt.KeyId is { } kid
                ? $"Token's key id \"{kid}\" is not among the {algorithm} keys of {Shorten(jwksUrl)}"
                : $"There is no {algorithm} key in {Shorten(jwksUrl)} to check the token with");
        }

        if (!candidates.Any(key => key.Verify(jwt.SignedBytes, jwt.Signature)))
        {
            throw new InvalidTokenException($"Token signature is invalid (checked against {Shorten(jwksUrl)})");
        }
    }

    /// <summary>The key named by <c>kid</c>; without a <c>kid</c>, every key of the algorithm.</summary>
    private static List<JsonWebKey> Candidates(IReadOnlyList<JsonWebKey> set, Jwt jwt, SigningAlgorithm algorithm) =>
        [.. set.Where(k => k.Algorithm == algorithm && (jwt.KeyId is null || k.KeyId == jwt.KeyId))];

    /// <summary>Checks <c>exp</c> (required), <c>nbf</c> and <c>iat</c>; returns the expiry.</summary>
    private DateTimeOffset CheckTimes(Jwt jwt)
    {
        var now = clock.GetUtcNow();
        var expiresAt = jwt.TimeClaim("exp")
            ?? throw new InvalidTokenException("Token is missing the \"exp\" (expiry) claim");
        if (now - Leeway >= expiresAt)
        {
            throw new InvalidTokenException(
                $"Token expired at {expiresAt:yyyy-MM-ddTHH:mm:ssZ} (server time {now:yyyy-MM-ddTHH:mm:ssZ})");
        }

        if (jwt.TimeClaim("nbf") is { } notBefore && now + Leeway < notBefore)
        {
            throw new InvalidTokenException($"Token is not valid before {notBefore:yyyy-MM-ddTHH:mm:ssZ} (\"nbf\")");
        }

        if (jwt.TimeClaim("iat") is { } issuedAt && now + Leeway < issuedAt)
        {
            throw new InvalidTokenException(
                $"Token was issued in the future, at {issuedAt:yyyy-MM-ddTHH:mm:ssZ} (\"iat\")");
        }

        Invariant.Assert(expiresAt > now - Leeway);
        return expiresAt + Leeway;
    }

    private static string Shorten(string url) =>
        url.StartsWith("data:", StringComparison.Ordinal) ? "the inline JWKS" : url;
}
