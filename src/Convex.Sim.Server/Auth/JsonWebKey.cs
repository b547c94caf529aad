using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Convex.Sim.Server.Auth;

/// <summary>
/// A public key from a JWK Set (RFC 7517): RSA (<c>n</c>, <c>e</c>) for RS256 or EC P-256
/// (<c>x</c>, <c>y</c>) for ES256. Keys of other types are skipped when the set is read, so an
/// provider publishing extra key types still works.
/// </summary>
internal sealed class JsonWebKey
{
    private readonly RSAParameters? _rsa;
    private readonly ECParameters? _ec;

    private JsonWebKey(string? keyId, RSAParameters? rsa, ECParameters? ec)
    {
        KeyId = keyId;
        _rsa = rsa;
        _ec = ec;
    }

    public string? KeyId { get; }

    public SigningAlgorithm Algorithm => _rsa is not null ? SigningAlgorithm.RS256 : SigningAlgorithm.ES256;

    /// <summary>The usable keys of a JWK Set document; a document that is not a set is an error.</summary>
    public static IReadOnlyList<JsonWebKey> ParseSet(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidTokenException($"The JWKS at {source} is not JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidTokenException($"The JWKS at {source} has no \"keys\" array");
            }

            return [.. keys.EnumerateArray().Select(TryParse).OfType<JsonWebKey>()];
        }
    }

    /// <summary>Whether <paramref name="signature"/> signs <paramref name="data"/> under this key.</summary>
    public bool Verify(byte[] data, byte[] signature)
    {
        try
        {
            if (_rsa is { } rsaParameters)
            {
                using var rsa = RSA.Create(rsaParameters);
                return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }

            using var ecdsa = ECDsa.Create(_ec!.Value);
            // JWS carries ECDSA signatures as r || s (RFC 7518 §3.4), .NET's default format.
            return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256);
        }
        catch (CryptographicException)
        {
            return false; // a key whose numbers are not a valid public key verifies nothing
        }
    }

    private static JsonWebKey? TryParse(JsonElement key)
    {
        if (key.ValueKind != JsonValueKind.Object || Field(key, "use") is { } use && use != "sig")
        {
            return null;
        }

        var keyId = Field(key, "kid");
        try
        {
            return Field(key, "kty") switch
            {
                "RSA" when Field(key, "n") is { } n && Field(key, "e") is { } e => new JsonWebKey(keyId,
                    new RSAParameters { Modulus = Base64Url.DecodeFromChars(n), Exponent = Base64Url.DecodeFromChars(e) },
                    null),
                "EC" when Field(key, "crv") == "P-256" && Field(key, "x") is { } x && Field(key, "y") is { } y =>
                    new JsonWebKey(keyId, null, new ECParameters
                    {
                        Curve = ECCurve.NamedCurves.nistP256,
                        Q = new ECPoint { X = Base64Url.DecodeFromChars(x), Y = Base64Url.DecodeFromChars(y) },
                    }),
                _ => null,
            };
        }
        catch (FormatException)
        {
            return null; // a key with broken base64url is as good as absent
        }
    }

    private static string? Field(JsonElement key, string name) =>
        key.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
