namespace Convex.Sim.Server.Auth;

/// <summary>The two provider shapes of <c>auth.config.js</c> (convex-compat §7.14.1).</summary>
internal enum AuthProviderKind
{
    /// <summary><c>{domain, applicationID}</c>: keys found through OpenID Connect discovery on the domain.</summary>
    Oidc,

    /// <summary><c>{type: "customJwt", issuer, jwks, algorithm, applicationID?}</c>: keys at a given JWKS URL.</summary>
    CustomJwt,
}

/// <summary>The algorithms a custom JWT provider may declare (and an OIDC provider's keys may use).</summary>
internal enum SigningAlgorithm
{
    RS256,
    ES256,
}

/// <summary>
/// One configured provider. <see cref="Issuer"/> is the OIDC <c>domain</c> or the custom
/// <c>issuer</c>, exactly as written (it is echoed back in <c>appAuth</c>); matching normalizes it.
/// </summary>
internal sealed record AuthProvider(
    AuthProviderKind Kind, string Issuer, string? ApplicationId, string? Jwks, SigningAlgorithm? Algorithm)
{
    /// <summary>
    /// The form issuers are compared in (§7.14.2): an issuer without a scheme gets <c>https://</c>,
    /// and one trailing <c>/</c> is ignored, so <c>example.com</c>, <c>https://example.com</c> and
    /// <c>https://example.com/</c> all match.
    /// </summary>
    public static string NormalizeIssuer(string issuer)
    {
        var withScheme = issuer.Contains("://", StringComparison.Ordinal) ? issuer : "https://" + issuer;
        return withScheme.EndsWith('/') ? withScheme[..^1] : withScheme;
    }

    /// <summary>How the provider is named in error messages and the push's auth diff.</summary>
    public string Describe() => Kind switch
    {
        AuthProviderKind.Oidc => $"OIDC(domain={Issuer}, app_id={ApplicationId})",
        AuthProviderKind.CustomJwt => $"CustomJWT(issuer={Issuer}, app_id={ApplicationId ?? "none"})",
    };
}
