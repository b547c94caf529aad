using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Convex.Sim.Core;

namespace Convex.Sim.Server.Auth;

/// <summary>
/// A compact-serialized JWS (RFC 7515 §7.1), decoded but not verified: the header's <c>alg</c> and
/// <c>kid</c>, the claims, and the bytes the signature covers.
/// </summary>
internal sealed class Jwt
{
    private Jwt(string algorithm, string? keyId, JsonElement claims, byte[] signedBytes, byte[] signature)
    {
        Algorithm = algorithm;
        KeyId = keyId;
        Claims = claims;
        SignedBytes = signedBytes;
        Signature = signature;
    }

    public string Algorithm { get; }

    public string? KeyId { get; }

    /// <summary>The payload object (a clone, independent of any document).</summary>
    public JsonElement Claims { get; }

    /// <summary>ASCII of <c>header.payload</c>, what the signature is computed over.</summary>
    public byte[] SignedBytes { get; }

    public byte[] Signature { get; }

    public string? Issuer => StringClaim("iss");

    public string? Subject => StringClaim("sub");

    /// <summary>The audiences: <c>aud</c> is a string or an array of strings.</summary>
    public IReadOnlyList<string> Audiences => Claims.TryGetProperty("aud", out var aud) ? aud.ValueKind switch
    {
        JsonValueKind.String => [aud.GetString()!],
        JsonValueKind.Array =>
            [.. aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)],
        _ => [],
    } : [];

    public static Jwt Parse(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            throw new InvalidTokenException(
                $"Could not decode token: a JWT has three base64url parts separated by '.', this one has {parts.Length}");
        }

        var header = DecodeObject(parts[0], "header");
        var claims = DecodeObject(parts[1], "payload");
        var algorithm = header.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String
            ? alg.GetString()!
            : throw new InvalidTokenException("Could not decode token: the header has no \"alg\"");
        var keyId = header.TryGetProperty("kid", out var kid) && kid.ValueKind == JsonValueKind.String
            ? kid.GetString()
            : null;
        var signature = Base64UrlDecode(parts[2], "signature");
        var jwt = new Jwt(algorithm, keyId, claims, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature);
        Invariant.Assert(jwt.Claims.ValueKind == JsonValueKind.Object);
        return jwt;
    }

    /// <summary>A NumericDate claim (seconds since the epoch, RFC 7519 §2), or null when absent.</summary>
    public DateTimeOffset? TimeClaim(string name)
    {
        if (!Claims.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds)
                                                        && double.IsFinite(seconds) && Math.Abs(seconds) < 1e11
            ? DateTimeOffset.UnixEpoch.AddMilliseconds(Math.Floor(seconds * 1000))
            : throw new InvalidTokenException($"Token claim \"{name}\" must be a number of seconds since 1970");
    }

    private string? StringClaim(string name) =>
        Claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement DecodeObject(string part, string what)
    {
        var bytes = Base64UrlDecode(part, what);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new InvalidTokenException($"Could not decode token: its {what} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidTokenException($"Could not decode token: its {what} is not JSON ({e.Message})");
        }
    }

    private static byte[] Base64UrlDecode(string part, string what)
    {
        try
        {
            return Base64Url.DecodeFromChars(part);
        }
        catch (FormatException)
        {
            throw new InvalidTokenException($"Could not decode token: its {what} is not base64url");
        }
    }
}
