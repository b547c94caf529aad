using Convex.Sim.Functions.Hosting;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// HTTP actions (convex-compat §4.7): a request to the site origin is routed by the router that
/// <c>http.js</c> default-exports and handled by an <c>httpAction</c>, which runs like an action
/// (runQuery, runMutation, runAction, fetch, timers, the action time limit) with the identity of
/// the request. The answer is the handler's <c>Response</c>; a throw is a 500 with Convex's JSON
/// error body. Nothing here reads the wall clock: time and randomness come from the runtime.
/// </summary>
public sealed partial class FunctionRunner
{
    /// <summary>Runs one HTTP request through the deployment's <c>http.js</c> router.</summary>
    /// <exception cref="Database.Errors.OccConflictException">A mutation it ran always conflicted.</exception>
    public async Task<HttpActionResponse> RunHttpActionAsync(
        HttpActionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _runtime.Time.GetUtcNow();
        var response = await ExecuteHttpActionAsync(request, cancellationToken);
        if (request.Method == "HEAD")
        {
            response = response with { Body = [] };
        }

        Observer?.OnExecuted(new FunctionExecution(response.Route ?? $"{request.Method} {request.Path}", UdfKind.Action,
            started, Elapsed(started), response.LogLines, response.ErrorMessage));
        return response;
    }

    private async Task<HttpActionResponse> ExecuteHttpActionAsync(
        HttpActionRequest request, CancellationToken cancellationToken)
    {
        var active = _active;
        if (request.Body is { Length: > HttpActionRequest.BodySizeBytesMax })
        {
            return HttpActionResponse.RequestTooLarge();
        }

        if (!active.Deployment.Modules.Contains(HttpActionInvoker.ModulePath))
        {
            return HttpActionResponse.Text(404, HttpActionResponse.NoRouterMessage);
        }

        var requestId = NewRequestId();
        var context = NewContext(HttpActionInvoker.ModulePath, UdfKind.Action, request.Identity, requestId);
        var action = new ActionHost(this, context, NextRandom(), _runtime.Time, _runtime.Http);
        var host = new HttpActionHost(action, request);
        var worker = active.Pool.Rent();
        worker.Bind(host, _options.ActionLimits);
        try
        {
            var path = request.Path;
            var (lookup, route) = await HttpActionInvoker.LookupAsync(
                worker, path, request.Method, _options.ActionLimits, cancellationToken);
            if (!lookup.Succeeded)
            {
                return Failed(lookup.ErrorMessage!, lookup.ErrorData);
            }

            if (route is null)
            {
                var notFound = HttpActionResponse.Text(404, HttpActionResponse.NoRoutesMessage);
                return notFound with { LogLines = context.Logs.Lines };
            }

            var outcome = await HttpActionInvoker.RunRequestAsync(
                worker, host.RequestDescriptor(), path, cancellationToken);
            if (!outcome.Succeeded)
            {
                return Failed(outcome.ErrorMessage!, outcome.ErrorData) with { Route = route };
            }

            return ToHttpResponse(host, outcome.ResultJson!, requestId, context) with { Route = route };
        }
        catch (Exception e) when (SystemErrors.IsSystem(e)
            && e is not OperationCanceledException and not Database.Errors.OccConflictException)
        {
            worker.Poison();
            return Failed($"Server Error: {e.Message}", null);
        }
        finally
        {
            worker.Unbind();
            active.Pool.Return(worker);
        }

        HttpActionResponse Failed(string message, Core.Values.ConvexValue? data) =>
            HttpActionResponse.Failure(requestId, message, data) with { LogLines = context.Logs.Lines };
    }

    private static HttpActionResponse ToHttpResponse(
        HttpActionHost host, string descriptorJson, string requestId, ExecutionContext context)
    {
        WebApis.HttpResponseParts parts;
        try
        {
            parts = host.ResponseFromDescriptor(descriptorJson);
        }
        catch (Core.ConvexException e)
        {
            return HttpActionResponse.Failure(requestId, e.Message, null) with { LogLines = context.Logs.Lines };
        }

        if (parts.Body.Length > HttpActionRequest.BodySizeBytesMax)
        {
            var message = "HttpResponseTooLarge: HTTP actions support responses up to " +
                $"{HttpActionRequest.BodySizeBytesMax >> 20} MiB";
            return HttpActionResponse.Failure(requestId, message, null) with { LogLines = context.Logs.Lines };
        }

        if (parts.Status is < 100 or > 599)
        {
            var message =
                $"HTTP action returned a Response with status {parts.Status} (Response.error() cannot be sent)";
            return HttpActionResponse.Failure(requestId, message, null) with { LogLines = context.Logs.Lines };
        }

        return new HttpActionResponse(parts.Status, parts.Headers, parts.Body)
        {
            StatusText = parts.StatusText,
            LogLines = context.Logs.Lines,
        };
    }
}
