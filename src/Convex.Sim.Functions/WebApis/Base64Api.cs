using Convex.Sim.Core;
using Jint.Native;
using Jint.Runtime;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>atob</c> and <c>btoa</c> (HTML §8.3). Strings stand for bytes, one Latin-1 character per
/// byte. <c>atob</c> is the WHATWG "forgiving-base64 decode" (ASCII whitespace ignored, padding
/// optional, nonzero trailing bits allowed); both throw a DOMException named
/// <c>InvalidCharacterError</c> on bad input, with Convex's messages.
/// </summary>
internal static class Base64Api
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static JsValue CreateAtob(WebApiContext context) => context.Function("atob", 1, (_, args) =>
    {
        context.RequireArguments(args, 1, "Failed to execute 'atob'");
        return Decode(TypeConverter.ToString(args[0])) is { } decoded
            ? new JsString(decoded)
            : throw context.DomError(
                "Failed to execute 'atob': The string to be decoded is not correctly encoded.",
                "InvalidCharacterError");
    });

    public static JsValue CreateBtoa(WebApiContext context) => context.Function("btoa", 1, (_, args) =>
    {
        context.RequireArguments(args, 1, "Failed to execute 'btoa'");
        return Encode(TypeConverter.ToString(args[0])) is { } encoded
            ? new JsString(encoded)
            : throw context.DomError(
                "Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.",
                "InvalidCharacterError");
    });

    /// <summary>Base64 of the bytes a Latin-1 string stands for, or null if a character is above U+00FF.</summary>
    internal static string? Encode(string text)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 0xFF)
            {
                return null;
            }

            bytes[i] = (byte)text[i];
        }

        var encoded = Convert.ToBase64String(bytes);
        Invariant.Assert(encoded.Length == (bytes.Length + 2) / 3 * 4);
        return encoded;
    }

    /// <summary>Forgiving-base64 decode (Infra §4.7) to a Latin-1 string, or null on failure.</summary>
    internal static string? Decode(string text)
    {
        var data = new List<int>(text.Length);
        foreach (var c in text)
        {
            if (c is not ('\t' or '\n' or '\f' or '\r' or ' '))
            {
                data.Add(c);
            }
        }

        if (data.Count % 4 == 0 && data.Count > 0 && data[^1] == '=')
        {
            data.RemoveAt(data.Count - 1);
            if (data.Count > 0 && data[^1] == '=')
            {
                data.RemoveAt(data.Count - 1);
            }
        }

        if (data.Count % 4 == 1)
        {
            return null;
        }

        var output = new char[data.Count * 3 / 4];
        var written = 0;
        var buffer = 0;
        var bits = 0;
        foreach (var c in data)
        {
            var value = c < 128 ? Alphabet.IndexOf((char)c, StringComparison.Ordinal) : -1;
            if (value < 0)
            {
                return null;
            }

            buffer = (buffer << 6) | value;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                output[written++] = (char)((buffer >> bits) & 0xFF);
            }
        }

        // Leftover bits (4 after two characters, 2 after three) are discarded, as the spec says.
        Invariant.Assert(bits is 0 or 2 or 4);
        return new string(output, 0, written);
    }
}
