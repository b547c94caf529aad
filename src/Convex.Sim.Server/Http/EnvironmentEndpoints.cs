using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Server.Deployment;
using Microsoft.AspNetCore.Http;

namespace Convex.Sim.Server.Http;

/// <summary>
/// <c>POST /api/update_environment_variables</c> (convex-compat §6.9.3), what <c>npx convex env
/// set/remove</c> calls: <c>{"changes":[{"name":"N","value":"v"|null}]}</c>, admin only. The whole
/// batch is applied or none of it; a broken rule is a 400 with Convex's code and message. Reading
/// goes through the <c>_system/cli/queryEnvironmentVariables</c> queries instead.
/// </summary>
internal sealed class EnvironmentEndpoints(EnvironmentCoordinator environment, InstanceIdentity identity)
{
    /// <summary>More changes than there can be variables cannot be a sensible request.</summary>
    private const int ChangesMax = 4 * EnvironmentVariables.CountMax;

    public async Task UpdateAsync(HttpContext context)
    {
        using var body = await FunctionRequest.ReadBodyAsync(context.Request, context.RequestAborted);
        AdminAuth.Require(context.Request, body.RootElement, identity);
        var changes = ParseChanges(body.RootElement);
        await environment.UpdateAsync(changes, context.RequestAborted);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{}", context.RequestAborted);
    }

    internal static List<EnvironmentVariableChange> ParseChanges(JsonElement body)
    {
        if (!body.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.BadRequest("BadJsonBody", "The request body must have an array field \"changes\"");
        }

        if (changes.GetArrayLength() > ChangesMax)
        {
            throw ApiError.BadRequest("TooManyChanges", $"At most {ChangesMax} changes can be made at once");
        }

        var parsed = new List<EnvironmentVariableChange>(changes.GetArrayLength());
        foreach (var change in changes.EnumerateArray())
        {
            if (change.ValueKind != JsonValueKind.Object
                || !change.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw ApiError.BadRequest("BadJsonBody", "Every change must be an object with a string \"name\"");
            }

            string? value = null;
            if (change.TryGetProperty("value", out var v) && v.ValueKind != JsonValueKind.Null)
            {
                value = v.ValueKind == JsonValueKind.String ? v.GetString() : throw ApiError.BadRequest(
                    "BadJsonBody", $"The value of {name.GetString()} must be a string or null");
            }

            parsed.Add(new EnvironmentVariableChange(name.GetString()!, value));
        }

        Invariant.Assert(parsed.Count == changes.GetArrayLength());
        return parsed;
    }
}
