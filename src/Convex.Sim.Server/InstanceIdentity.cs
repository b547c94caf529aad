using System.Security.Cryptography;
using System.Text;

namespace Convex.Sim.Server;

/// <summary>
/// The deployment's identity (convex-compat §6.2, §8.10): its name, a 32-byte secret, and the admin
/// key derived from them, <c>&lt;instanceName&gt;|&lt;hex HMAC-SHA256(secret, instanceName)&gt;</c>.
/// No client decodes the key, so a MAC is enough; the <c>name|opaque</c> shape keeps it
/// recognizable. Keys are compared in constant time.
/// </summary>
internal sealed class InstanceIdentity
{
    public const string SecretFileName = "instance_secret";
    public const string AdminKeyFileName = "admin_key";
    private const int SecretBytes = 32;

    private readonly byte[] _adminKeyHash;

    private InstanceIdentity(string instanceName, string adminKey)
    {
        InstanceName = instanceName;
        AdminKey = adminKey;
        _adminKeyHash = SHA256.HashData(Encoding.UTF8.GetBytes(adminKey));
    }

    public string InstanceName { get; }

    /// <summary>The one admin key this server accepts.</summary>
    public string AdminKey { get; }

    /// <summary>
    /// Reads the secret from the options or the data directory, generating and keeping one on first
    /// start, and writes the admin key next to it for the operator.
    /// </summary>
    public static InstanceIdentity LoadOrCreate(ServerOptions options)
    {
        var secretPath = Path.Combine(options.DataDirectory, SecretFileName);
        var secret = options.InstanceSecret;
        if (secret is null && File.Exists(secretPath))
        {
            secret = File.ReadAllText(secretPath).Trim();
            if (!IsValidSecret(secret))
            {
                throw new InvalidOperationException($"{secretPath} does not hold 64 hex digits");
            }
        }

        if (secret is null)
        {
            secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretBytes));
            Deployment.DurableFile.Replace(secretPath, Encoding.UTF8.GetBytes(secret + "\n"), ownerOnly: true);
        }

        var adminKey = options.AdminKey ?? DeriveAdminKey(options.InstanceName, secret);
        var keyPath = Path.Combine(options.DataDirectory, AdminKeyFileName);
        if (!File.Exists(keyPath) || File.ReadAllText(keyPath).Trim() != adminKey)
        {
            Deployment.DurableFile.Replace(keyPath, Encoding.UTF8.GetBytes(adminKey + "\n"), ownerOnly: true);
        }

        return new InstanceIdentity(options.InstanceName, adminKey);
    }

    public static string DeriveAdminKey(string instanceName, string secretHex)
    {
        var mac = HMACSHA256.HashData(Convert.FromHexString(secretHex), Encoding.UTF8.GetBytes(instanceName));
        return $"{instanceName}|{Convert.ToHexStringLower(mac)}";
    }

    public static bool IsValidSecret(string secret) =>
        secret.Length == SecretBytes * 2 && secret.All(char.IsAsciiHexDigit);

    /// <summary>
    /// Whether <paramref name="presented"/> is the admin key. Both sides are hashed first so that the
    /// comparison is constant-time whatever the presented length.
    /// </summary>
    public bool IsAdminKey(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(StripDisplayPrefix(presented)));
        return CryptographicOperations.FixedTimeEquals(hash, _adminKeyHash);
    }

    /// <summary>A display prefix such as <c>prod:</c> before the instance name (convex-compat §6.2).</summary>
    private static string StripDisplayPrefix(string key)
    {
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && colon < bar ? key[(colon + 1)..] : key;
    }
}
