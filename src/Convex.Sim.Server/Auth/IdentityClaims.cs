using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;

namespace Convex.Sim.Server.Auth;

/// <summary>
/// The object <c>ctx.auth.getUserIdentity()</c> returns for a validated token (convex-compat §7.14.4).
/// Always <c>tokenIdentifier</c> (the raw <c>iss</c>, a pipe, <c>sub</c>), <c>issuer</c> and
/// <c>subject</c>. OIDC tokens get the OpenID standard claims under camelCase names and every
/// other claim as is; custom JWTs get every claim under its raw name, with nested objects
/// flattened to dotted keys. The registered claims (and <c>fva</c>) are dropped in both.
/// </summary>
internal static class IdentityClaims
{
    private static readonly FrozenSet<string> Dropped =
        FrozenSet.Create(StringComparer.Ordinal, "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "fva");

    /// <summary>OpenID Connect Core §5.1 claim names and the fields Convex gives them.</summary>
    private static readonly FrozenDictionary<string, string> Standard = new Dictionary<string, string>
    {
        ["name"] = "name",
        ["given_name"] = "givenName",
        ["family_name"] = "familyName",
        ["nickname"] = "nickname",
        ["preferred_username"] = "preferredUsername",
        ["profile"] = "profileUrl",
        ["picture"] = "pictureUrl",
        ["website"] = "websiteUrl",
        ["email"] = "email",
        ["email_verified"] = "emailVerified",
        ["gender"] = "gender",
        ["birthdate"] = "birthday",
        ["zoneinfo"] = "timezone",
        ["locale"] = "language",
        ["phone_number"] = "phoneNumber",
        ["phone_number_verified"] = "phoneNumberVerified",
        ["address"] = "address",
        ["updated_at"] = "updatedAt",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static UserIdentity For(Jwt token, AuthProviderKind kind)
    {
        var issuer = token.Issuer;
        var subject = token.Subject;
        Invariant.Assert(issuer is not null);
        Invariant.Assert(subject is not null);
        var fields = new Dictionary<string, ConvexValue>(StringComparer.Ordinal);
        foreach (var claim in token.Claims.EnumerateObject())
        {
            if (Dropped.Contains(claim.Name))
            {
                continue;
            }

            switch (kind)
            {
                case AuthProviderKind.Oidc when Standard.TryGetValue(claim.Name, out var field):
                    fields[field] = StandardValue(claim.Name, claim.Value);
                    break;
                case AuthProviderKind.Oidc:
                    fields[claim.Name] = ToValue(claim.Value);
                    break;
                case AuthProviderKind.CustomJwt:
                    Flatten(claim.Name, claim.Value, fields);
                    break;
            }
        }

        // Set last: a claim named like them cannot replace what identifies the user.
        fields["tokenIdentifier"] = new ConvexString($"{issuer}|{subject}");
        fields["issuer"] = new ConvexString(issuer!);
        fields["subject"] = new ConvexString(subject!);
        return new UserIdentity(ConvexObject.From(fields));
    }

    /// <summary><c>address</c> is given by its <c>formatted</c> text; <c>updated_at</c> as RFC 3339.</summary>
    private static ConvexValue StandardValue(string claim, JsonElement value) => (claim, value.ValueKind) switch
    {
        ("address", JsonValueKind.Object) => value.TryGetProperty("formatted", out var formatted)
            ? ToValue(formatted)
            : ConvexNull.Instance,
        ("updated_at", JsonValueKind.Number) when value.TryGetInt64(out var seconds)
                                                   && seconds is > -62135596800 and < 253402300800 =>
            new ConvexString(DateTimeOffset.FromUnixTimeSeconds(seconds)
                .ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture)),
        _ => ToValue(value),
    };

    private static void Flatten(string name, JsonElement value, Dictionary<string, ConvexValue> fields)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            fields[name] = ToValue(value);
            return;
        }

        foreach (var inner in value.EnumerateObject())
        {
            Flatten($"{name}.{inner.Name}", inner.Value, fields);
        }
    }

    /// <summary>JSON as a Convex value: numbers are JavaScript numbers, as they would be in the token's JS.</summary>
    private static ConvexValue ToValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new ConvexString(value.GetString()!),
        JsonValueKind.Number => new ConvexFloat64(value.GetDouble()),
        JsonValueKind.True => ConvexBoolean.True,
        JsonValueKind.False => ConvexBoolean.False,
        JsonValueKind.Array => new ConvexArray([.. value.EnumerateArray().Select(ToValue)]),
        JsonValueKind.Object => ToObject(value),
        JsonValueKind.Null or JsonValueKind.Undefined => ConvexNull.Instance,
        _ => ConvexNull.Instance,
    };

    /// <summary>A repeated member name (legal JSON) keeps its last value, as JavaScript's JSON.parse does.</summary>
    private static ConvexObject ToObject(JsonElement value)
    {
        var fields = new Dictionary<string, ConvexValue>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            fields[member.Name] = ToValue(member.Value);
        }

        return ConvexObject.From(fields);
    }
}
