using System.Text.Json;
using Convex.Sim.Core;

namespace Convex.Sim.Server.Auth;

/// <summary>
/// The deployment's auth providers, parsed from the JSON of <c>auth.config.js</c>'s default export
/// (convex-compat §7.14.1) and validated at push, so a mistake fails the push with a message that
/// names the provider and the field rather than failing every sign-in later.
/// </summary>
internal sealed class AuthConfig
{
    private AuthConfig(IReadOnlyList<AuthProvider> providers) => Providers = providers;

    public static AuthConfig Empty { get; } = new([]);

    public IReadOnlyList<AuthProvider> Providers { get; }

    public static AuthConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the default export must be an object like { providers: [...] }");
        }

        if (!root.TryGetProperty("providers", out var list))
        {
            return Empty;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("\"providers\" must be an array");
        }

        var providers = list.EnumerateArray().Select((provider, i) => ParseProvider(provider, i)).ToList();
        Invariant.Assert(providers.Count == list.GetArrayLength());
        return new AuthConfig(providers);
    }

    /// <summary>The <c>appAuth</c> array of start_push: the providers with their config field names.</summary>
    public void WriteAppAuth(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (var provider in Providers)
        {
            writer.WriteStartObject();
            switch (provider.Kind)
            {
                case AuthProviderKind.Oidc:
                    writer.WriteString("domain", provider.Issuer);
                    writer.WriteString("applicationID", provider.ApplicationId);
                    break;
                case AuthProviderKind.CustomJwt:
                    writer.WriteString("type", "customJwt");
                    writer.WriteString("issuer", provider.Issuer);
                    writer.WriteString("jwks", provider.Jwks);
                    writer.WriteString("algorithm", provider.Algorithm.ToString());
                    writer.WriteString("applicationID", provider.ApplicationId); // null when absent, as the CLI expects
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static AuthProvider ParseProvider(JsonElement provider, int index)
    {
        var where = $"providers[{index}]";
        if (provider.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{where} must be an object");
        }

        var type = OptionalString(provider, "type", where);
        switch (type)
        {
            case null or "oidc":
                var domain = RequiredString(provider, "domain", where);
                RequireUrl(domain, "domain", where, allowMissingScheme: true);
                return new AuthProvider(
                    AuthProviderKind.Oidc, domain, RequiredString(provider, "applicationID", where), null, null);
            case "customJwt":
                var issuer = RequiredString(provider, "issuer", where);
                var jwks = RequiredString(provider, "jwks", where);
                if (!jwks.StartsWith("data:", StringComparison.Ordinal))
                {
                    RequireUrl(jwks, "jwks", where, allowMissingScheme: false);
                }

                var algorithm = RequiredString(provider, "algorithm", where) switch
                {
                    "RS256" => SigningAlgorithm.RS256,
                    "ES256" => SigningAlgorithm.ES256,
                    var other => throw Invalid($"{where}.algorithm is \"{other}\"; supported are \"RS256\" and \"ES256\""),
                };
                return new AuthProvider(AuthProviderKind.CustomJwt, issuer,
                    OptionalString(provider, "applicationID", where), jwks, algorithm);
            default:
                throw Invalid($"{where}.type is \"{type}\"; expected \"customJwt\" or no type (an OIDC provider)");
        }
    }

    private static void RequireUrl(string value, string field, string where, bool allowMissingScheme)
    {
        var candidate = allowMissingScheme ? AuthProvider.NormalizeIssuer(value) : value;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw Invalid($"{where}.{field} \"{value}\" is not an http(s) URL");
        }
    }

    private static string RequiredString(JsonElement provider, string field, string where) =>
        OptionalString(provider, field, where) is { Length: > 0 } value
            ? value
            : throw Invalid($"{where} is missing the string field \"{field}\" " +
                            "(if it comes from process.env, set the variable with `npx convex env set`)");

    private static string? OptionalString(JsonElement provider, string field, string where)
    {
        if (!provider.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Invalid($"{where}.{field} must be a string");
    }

    private static ConvexException Invalid(string message) =>
        new("InvalidAuthConfig", $"auth.config.js: {message}");
}
