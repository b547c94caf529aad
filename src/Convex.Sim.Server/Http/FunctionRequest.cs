using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Microsoft.AspNetCore.Http;

namespace Convex.Sim.Server.Http;

/// <summary>The value encodings of the HTTP API's <c>format</c> field (convex-compat §2.2, §4.1).</summary>
internal enum ValueFormat
{
    /// <summary><c>convex_encoded_json</c>: invertible, what the npm client sends.</summary>
    ConvexEncodedJson,

    /// <summary><c>json</c>: the lossy clean export.</summary>
    CleanJson,
}

/// <summary>
/// One call of the HTTP function API (convex-compat §4.1): the function path, its argument object
/// and the response format. Arguments are Convex JSON, either an object or the legacy one-element
/// positional array.
/// </summary>
internal sealed record FunctionRequest(string Path, ConvexObject Args, ValueFormat Format)
{
    /// <summary>Reads a JSON body; a body that is not a JSON object is a 400.</summary>
    public static async Task<JsonDocument> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest("BadJsonBody", $"Failed to deserialize the request body as JSON: {e.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw ApiError.BadRequest("BadJsonBody", "The request body must be a JSON object");
        }

        return document;
    }

    /// <summary>
    /// The body of <c>/api/query</c>, <c>/api/mutation</c>, <c>/api/action</c>, <c>/api/function</c>.
    /// </summary>
    public static FunctionRequest FromBody(JsonElement body, ValueFormat defaultFormat)
    {
        var path = body.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String
            ? p.GetString()!
            : throw ApiError.BadRequest("BadJsonBody", "The request body must have a string field \"path\"");
        return FromParts(path, body, defaultFormat);
    }

    /// <summary><c>/api/run/...</c>: the path comes from the URL, args and format from the body.</summary>
    public static FunctionRequest FromParts(string path, JsonElement body, ValueFormat defaultFormat)
    {
        var args = body.TryGetProperty("args", out var a) ? DecodeArgs(a) : ConvexObject.Empty;
        var format = body.TryGetProperty("format", out var f) && f.ValueKind != JsonValueKind.Null
            ? ParseFormat(f.ValueKind == JsonValueKind.String ? f.GetString() : f.GetRawText())
            : defaultFormat;
        return new FunctionRequest(path, args, format);
    }

    /// <summary><c>GET /api/query?path=…&amp;args=&lt;JSON&gt;&amp;format=…</c>.</summary>
    public static FunctionRequest FromQueryString(IQueryCollection query, ValueFormat defaultFormat)
    {
        var path = query["path"].ToString();
        if (path.Length == 0)
        {
            throw ApiError.BadRequest("BadQueryString", "The query string must have a \"path\" parameter");
        }

        var args = ConvexObject.Empty;
        if (query["args"].ToString() is { Length: > 0 } argsText)
        {
            try
            {
                using var document = JsonDocument.Parse(argsText);
                args = DecodeArgs(document.RootElement);
            }
            catch (JsonException e)
            {
                throw ApiError.BadRequest("BadJsonBody", $"The \"args\" parameter is not JSON: {e.Message}");
            }
        }

        var format = query["format"].ToString() is { Length: > 0 } text ? ParseFormat(text) : defaultFormat;
        return new FunctionRequest(path, args, format);
    }

    public static ValueFormat ParseFormat(string? text) => text switch
    {
        "convex_encoded_json" or "convex_json" => ValueFormat.ConvexEncodedJson,
        "json" or "convex_cleaned_json" or "clean_json" => ValueFormat.CleanJson,
        _ => throw ApiError.BadRequest("InvalidFormat",
            $"Invalid format \"{text}\": expected \"json\" or \"convex_encoded_json\""),
    };

    private static ConvexObject DecodeArgs(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return ConvexObject.Empty;
        }

        if (element.ValueKind == JsonValueKind.Array)
        {
            if (element.GetArrayLength() != 1)
            {
                throw ApiError.BadRequest("InvalidArgs", "Positional arguments must be an array of exactly one object");
            }

            element = element[0];
        }

        ConvexValue value;
        try
        {
            value = ConvexJson.Decode(element);
        }
        catch (ConvexException e)
        {
            throw ApiError.BadRequest("InvalidArgs", $"Invalid arguments: {e.Message}");
        }

        return value as ConvexObject
            ?? throw ApiError.BadRequest("InvalidArgs", "The arguments of a function must be an object");
    }
}
