using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Functions.Syscalls;

/// <summary>
/// The JSON arguments of one syscall. Every accessor fails with a developer error that names the
/// syscall and the argument, because hand-written calls to <c>Convex.syscall</c> can send anything.
/// </summary>
internal sealed class SyscallArgs : IDisposable
{
    private readonly JsonDocument _document;

    private SyscallArgs(string op, JsonDocument document)
    {
        Op = op;
        _document = document;
    }

    public string Op { get; }

    public JsonElement Root => _document.RootElement;

    public static SyscallArgs Parse(string op, string json)
    {
        try
        {
            var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw SyscallErrors.BadArguments(op, "arguments must be a JSON object");
            }

            return new SyscallArgs(op, document);
        }
        catch (JsonException e)
        {
            throw SyscallErrors.BadArguments(op, $"arguments are not valid JSON ({e.Message})");
        }
    }

    public bool Has(string name) =>
        Root.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    public JsonElement Element(string name) =>
        Root.TryGetProperty(name, out var value) ? value : throw Missing(name);

    public string String(string name) =>
        Element(name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw WrongType(name, "a string");

    public string? OptionalString(string name) => Has(name) ? String(name) : null;

    public bool OptionalBool(string name) =>
        Has(name) && (Element(name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } value
            ? value.GetBoolean()
            : throw WrongType(name, "a boolean"));

    public double? OptionalNumber(string name) =>
        !Has(name) ? null
        : Element(name) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble()
        : throw WrongType(name, "a number");

    public int Int(string name) =>
        Element(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number)
            ? number
            : throw WrongType(name, "an integer");

    /// <summary>A Convex-JSON object argument (a document value).</summary>
    public ConvexObject Object(string name)
    {
        var element = Element(name);
        try
        {
            return ConvexJson.Decode(element) as ConvexObject ?? throw WrongType(name, "an object");
        }
        catch (InvalidValueException e)
        {
            throw new ConvexException("InvalidValue", e.Message);
        }
    }

    /// <summary>A document ID argument, with the official wording for a malformed one.</summary>
    public DocumentId Id(string name, string apiName)
    {
        var text = String(name);
        if (!DocumentIdCodec.TryDecode(text, out var id))
        {
            throw new ConvexException("InvalidArgument",
                $"Invalid argument `{name}` for `{apiName}`: Unable to decode ID: Invalid ID \"{text}\"");
        }

        return id;
    }

    public void Dispose() => _document.Dispose();

    private ConvexException Missing(string name) => SyscallErrors.BadArguments(Op, $"missing argument `{name}`");

    private ConvexException WrongType(string name, string expected) =>
        SyscallErrors.BadArguments(Op, $"argument `{name}` must be {expected}");
}
