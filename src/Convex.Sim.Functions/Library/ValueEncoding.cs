using System.Buffers.Binary;
using Convex.Sim.Core;
using Jint.Native;

namespace Convex.Sim.Functions.Library;

/// <summary>The library's field-name rule and its 8-byte base64 encodings (<c>$integer</c>, <c>$float</c>).</summary>
internal static class ValueEncoding
{
    private const int FieldNameLengthMax = 1024; // values/value.js MAX_IDENTIFIER_LEN

    /// <summary>
    /// <c>validateObjectField</c> as a predicate. <c>__proto__</c> is valid there, but the library
    /// stores fields with <c>result[key] = …</c>, which for that key sets the prototype instead: left to it.
    /// </summary>
    public static bool IsValidFieldName(string key)
    {
        if (key.Length > FieldNameLengthMax || key.StartsWith('$') || key == "__proto__")
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c < 32 || c >= 127)
            {
                return false;
            }
        }

        return true;
    }

    public static JsString Base64Float(double number)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, number);
        return new JsString(Convert.ToBase64String(bytes));
    }

    public static JsString Base64Integer(long integer)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, integer);
        return new JsString(Convert.ToBase64String(bytes));
    }

    /// <summary>
    /// Eight bytes from canonical base64 (standard alphabet, padded), read little-endian; the
    /// library's decoder is more lenient (url-safe letters, garbage), and such input goes to it.
    /// </summary>
    public static bool TryDecodeEight(string text, out long bits)
    {
        bits = 0;
        Span<byte> bytes = stackalloc byte[9];
        if (text.Length != 12 || !Convert.TryFromBase64String(text, bytes, out var written) || written != 8)
        {
            return false;
        }

        if (!string.Equals(Convert.ToBase64String(bytes[..8]), text, StringComparison.Ordinal))
        {
            return false;
        }

        bits = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        Invariant.Assert(written == 8);
        return true;
    }
}
