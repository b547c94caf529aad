using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Convex.Sim.Server.Http;

/// <summary>
/// A failure reported with the generic envelope of convex-compat §1.4: a non-2xx status and a body
/// of exactly two strings, <c>{"code","message"}</c>. Function failures never use it (§4.2).
/// </summary>
internal sealed class ApiError(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public const string InternalServerErrorMessage = "Your request couldn't be completed. Try again later.";

    public static ApiError BadRequest(string code, string message) =>
        new(StatusCodes.Status400BadRequest, code, message);

    public static ApiError Internal() =>
        new(StatusCodes.Status500InternalServerError, "InternalServerError", InternalServerErrorMessage);

    public static ApiError BadDeployKey(string instanceName) => new(StatusCodes.Status403Forbidden, "BadDeployKey",
        $"The provided deploy key was invalid for deployment '{instanceName}'. Double check that the environment " +
        "this key was generated for matches the desired deployment.");

    public Task WriteAsync(HttpResponse response, CancellationToken cancellationToken) =>
        WriteAsync(response, Status, Code, Message, cancellationToken);

    public static async Task WriteAsync(
        HttpResponse response, int status, string code, string message, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }

        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }
}
