using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Convex.Sim.Server.Http;

/// <summary>
/// Admin-only endpoints of the CLI (convex-compat §6.2): the key comes as
/// <c>Authorization: Convex &lt;key&gt;</c> and/or as <c>adminKey</c> in the JSON body. A wrong or
/// missing key is a 403 <c>BadDeployKey</c>, whose message the CLI prints.
/// </summary>
internal static class AdminAuth
{
    private const string ConvexScheme = "Convex ";

    public static void Require(HttpRequest request, JsonElement? body, InstanceIdentity identity)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            if (!header.StartsWith(ConvexScheme, StringComparison.OrdinalIgnoreCase)
                || !identity.IsAdminKey(StripDisplayPrefix(header[ConvexScheme.Length..].Trim())))
            {
                throw ApiError.BadDeployKey(identity.InstanceName);
            }

            return;
        }

        if (body is { ValueKind: JsonValueKind.Object } json
            && json.TryGetProperty("adminKey", out var key) && key.ValueKind == JsonValueKind.String
            && identity.IsAdminKey(StripDisplayPrefix(key.GetString()!)))
        {
            return;
        }

        throw ApiError.BadDeployKey(identity.InstanceName);
    }

    /// <summary>A display prefix such as <c>prod:</c> before the instance name (§6.2).</summary>
    private static string StripDisplayPrefix(string key)
    {
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && colon < bar ? key[(colon + 1)..] : key;
    }
}
