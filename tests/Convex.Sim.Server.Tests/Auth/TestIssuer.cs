using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Convex.Sim.Server.Tests.Auth;

/// <summary>
/// A token issuer for tests: an RSA and a P-256 key, their JWK Set, and JWTs signed with them.
/// Claims are written by the tests as JSON text, so expected identities are plain literals.
/// </summary>
internal sealed class TestIssuer : IDisposable
{
    public const string RsaKeyId = "rsa-1";
    public const string EcKeyId = "ec-1";

    public RSA Rsa { get; } = RSA.Create(2048);

    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The public keys as a JWK Set, with the given key ids.</summary>
    public string Jwks(string rsaKeyId = RsaKeyId, string ecKeyId = EcKeyId)
    {
        var rsa = Rsa.ExportParameters(includePrivateParameters: false);
        var ec = Ec.ExportParameters(includePrivateParameters: false);
        return $$"""
            {"keys":[
              {"kty":"RSA","use":"sig","alg":"RS256","kid":"{{rsaKeyId}}","n":"{{B64(rsa.Modulus!)}}","e":"{{B64(rsa.Exponent!)}}"},
              {"kty":"EC","use":"sig","alg":"ES256","kid":"{{ecKeyId}}","crv":"P-256","x":"{{B64(ec.Q.X!)}}","y":"{{B64(ec.Q.Y!)}}"}
            ]}
            """;
    }

    /// <summary>The JWK Set as an inline <c>data:</c> URL, as a custom JWT provider may give it.</summary>
    public string JwksDataUrl() =>
        "data:application/json;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(Jwks()));

    /// <summary>A JWT over <paramref name="claimsJson"/>, signed with RS256 or ES256 by this issuer's key.</summary>
    public string Sign(string claimsJson, string algorithm = "RS256", string? keyId = null)
    {
        keyId ??= algorithm == "RS256" ? RsaKeyId : EcKeyId;
        var header = $$"""{"alg":"{{algorithm}}","typ":"JWT","kid":"{{keyId}}"}""";
        var signingInput = $"{B64(Encoding.UTF8.GetBytes(header))}.{B64(Encoding.UTF8.GetBytes(claimsJson))}";
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = algorithm == "RS256"
            ? Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : Ec.SignData(data, HashAlgorithmName.SHA256);
        return $"{signingInput}.{B64(signature)}";
    }

    public static long UnixSeconds(DateTimeOffset time) => time.ToUnixTimeSeconds();

    public void Dispose()
    {
        Rsa.Dispose();
        Ec.Dispose();
    }

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
