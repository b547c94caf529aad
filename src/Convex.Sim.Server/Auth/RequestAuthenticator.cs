using System.Text;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Convex.Sim.Server.Auth;

/// <summary>Who an HTTP request runs as: an admin (internal functions callable) and/or a user.</summary>
internal sealed record Caller(bool IsAdmin, UserIdentity? User)
{
    public static Caller Anonymous { get; } = new(false, null);
}

/// <summary>
/// The <c>Authorization</c> header forms of convex-compat §4.3: <c>Bearer &lt;jwt&gt;</c> (a user,
/// validated by <see cref="TokenValidator"/>), <c>Convex &lt;admin key&gt;</c> (case-insensitive
/// scheme), and <c>Convex &lt;admin key&gt;:&lt;base64 JSON&gt;</c> (an admin acting as the user whose
/// identity attributes the JSON holds).
/// </summary>
internal sealed class RequestAuthenticator(TokenValidator tokens, InstanceIdentity identity)
{
    private const string ConvexScheme = "Convex ";
    private const string BearerScheme = "Bearer ";

    /// <summary>
    /// The caller of a function endpoint. A wrong admin key is a 403 <c>BadDeployKey</c>; a refused
    /// token or a malformed header a 401 <c>InvalidAuthHeader</c> saying why.
    /// </summary>
    public async ValueTask<Caller> AuthenticateAsync(
        HttpRequest request, bool adminOnly, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return adminOnly ? throw new ApiError(StatusCodes.Status403Forbidden, "BadDeployKey",
                "This endpoint requires an admin key (Authorization: Convex <admin key>)") : Caller.Anonymous;
        }

        if (header.StartsWith(ConvexScheme, StringComparison.OrdinalIgnoreCase))
        {
            var (key, actingAs) = SplitAdminKey(header[ConvexScheme.Length..].Trim());
            if (!identity.IsAdminKey(key))
            {
                throw ApiError.BadDeployKey(identity.InstanceName);
            }

            return new Caller(true, actingAs is null ? null : ActingUser(actingAs));
        }

        if (header.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase) && !adminOnly)
        {
            var validation = await tokens.ValidateAsync(header[BearerScheme.Length..], cancellationToken);
            return validation.Identity is { } user ? new Caller(false, user) : throw InvalidAuthHeader(validation.Error!);
        }

        throw adminOnly
            ? ApiError.BadDeployKey(identity.InstanceName)
            : InvalidAuthHeader("The Authorization header must be \"Bearer <token>\" or \"Convex <admin key>\"");
    }

    /// <summary>
    /// The identity an HTTP action sees. HTTP actions are public and their requests often carry
    /// other services' headers, so a header that proves nothing does not refuse the request:
    /// <c>ctx.auth.getUserIdentity()</c> then throws the reason (<c>Error</c>), as in Convex.
    /// </summary>
    public async ValueTask<(UserIdentity? User, string? Error)> HttpActionIdentityAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase))
        {
            var validation = await tokens.ValidateAsync(header[BearerScheme.Length..], cancellationToken);
            return (validation.Identity, validation.Error);
        }

        if (header.StartsWith(ConvexScheme, StringComparison.OrdinalIgnoreCase))
        {
            var (key, actingAs) = SplitAdminKey(header[ConvexScheme.Length..].Trim());
            if (actingAs is not null && identity.IsAdminKey(key))
            {
                try
                {
                    return (ActingUser(actingAs), null);
                }
                catch (ApiError e)
                {
                    return (null, e.Message);
                }
            }
        }

        return (null, null);
    }

    /// <summary>
    /// Splits <c>[prod:|dev:]name|secret[:base64]</c>: the acting-as part starts at the first
    /// <c>:</c> after the key's <c>|</c> (base64 has no colon, a display prefix comes before the bar).
    /// </summary>
    private (string Key, string? ActingAs) SplitAdminKey(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0 && identity.IsAdminKey(value))
        {
            return (value, null); // a configured key without a bar may itself contain colons
        }

        var colon = value.IndexOf(':', bar < 0 ? 0 : bar);
        return colon < 0 ? (value, null) : (value[..colon], value[(colon + 1)..]);
    }

    private static UserIdentity ActingUser(string base64)
    {
        ConvexValue attributes;
        try
        {
            attributes = ConvexJson.Decode(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
        }
        catch (Exception e) when (e is FormatException or ConvexException or System.Text.Json.JsonException)
        {
            throw InvalidAuthHeader($"The identity after the admin key is not base64 of a JSON object: {e.Message}");
        }

        try
        {
            return attributes is ConvexObject fields
                ? UserIdentity.FromAttributes(fields)
                : throw InvalidAuthHeader("The identity after the admin key must be a JSON object");
        }
        catch (ConvexException e)
        {
            throw InvalidAuthHeader(e.Message);
        }
    }

    private static ApiError InvalidAuthHeader(string message) =>
        new(StatusCodes.Status401Unauthorized, "InvalidAuthHeader", message);
}
