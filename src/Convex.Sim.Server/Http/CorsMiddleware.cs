using Microsoft.AspNetCore.Http;

namespace Convex.Sim.Server.Http;

/// <summary>
/// The permissive CORS layer of convex-compat §1.3, on <c>/api/*</c> only: the request's
/// <c>Origin</c> and requested headers are mirrored, credentials are allowed, and a preflight
/// <c>OPTIONS</c> is answered here with a max-age of one day.
/// </summary>
internal static class CorsMiddleware
{
    private const string AllowedMethods = "GET, POST, OPTIONS, PATCH, DELETE, PUT";
    private const string MaxAgeSeconds = "86400";

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var request = context.Request;
        var headers = context.Response.Headers;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            headers.AccessControlAllowOrigin = origin;
            headers.AccessControlAllowCredentials = "true";
        }

        headers.Vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
        var isPreflight = HttpMethods.IsOptions(request.Method) && request.Headers.AccessControlRequestMethod.Count > 0;
        if (!isPreflight)
        {
            await next(context);
            return;
        }

        headers.AccessControlAllowMethods = AllowedMethods;
        if (request.Headers.AccessControlRequestHeaders.Count > 0)
        {
            headers.AccessControlAllowHeaders = request.Headers.AccessControlRequestHeaders;
        }

        headers.AccessControlMaxAge = MaxAgeSeconds;
        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
