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
                || !identity.IsAdminKey(header[ConvexScheme.Length..].Trim()))
            {
                throw ApiError.BadDeployKey(identity.InstanceName);
            }

            return;
        }

        if (body is { ValueKind: JsonValueKind.Object } json
            && json.TryGetProperty("adminKey", out var key) && key.ValueKind == JsonValueKind.String
            && identity.IsAdminKey(key.GetString()!))
        {
            return;
        }

        throw ApiError.BadDeployKey(identity.InstanceName);
    }
}
