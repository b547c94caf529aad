using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Convex.Sim.Core.Values;

/// <summary>
/// Writes JSON strings and numbers byte for byte as JavaScript's <c>JSON.stringify</c> does, so our
/// output equals the official client's (convex-compat §2.2). System.Text.Json differs in both:
/// its encoders escape astral characters and write <c>1E+21</c> where JavaScript writes <c>1e+21</c>.
/// </summary>
internal static class JsonText
{
    private const string HexDigits = "0123456789abcdef";

    /// <summary>Strings: escape only '"', '\\', control characters and lone surrogates (ES2019).</summary>
    public static void WriteString(Utf8JsonWriter writer, string value)
    {
        var worst = (value.Length * 6) + 2;
        byte[]? rented = null;
        var buffer = worst <= 512
            ? stackalloc byte[512]
            : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(worst));
        try
        {
            var length = EscapeString(value, buffer);
            writer.WriteRawValue(buffer[..length], skipInputValidation: true);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes <c>"value"</c> escaped into <paramref name="output"/> (at least 6 bytes per char + 2).</summary>
    public static int EscapeString(string value, Span<byte> output)
    {
        var n = 0;
        output[n++] = (byte)'"';
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is >= ' ' and < (char)0x7F and not '"' and not '\\')
            {
                output[n++] = (byte)c;
            }
            else if (c < ' ' || c is '"' or '\\')
            {
                n += EscapeAscii(c, output[n..]);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                n += Encoding.UTF8.GetBytes(value.AsSpan(i, 2), output[n..]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                n += UnicodeEscape(c, output[n..]);
            }
            else
            {
                n += Encoding.UTF8.GetBytes(new ReadOnlySpan<char>(in c), output[n..]);
            }
        }

        output[n++] = (byte)'"';
        return n;
    }

    /// <summary>Numbers: JavaScript's Number::toString on the shortest round-trip digits.</summary>
    public static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        Span<byte> buffer = stackalloc byte[32];
        var length = FormatNumber(value, buffer);
        writer.WriteRawValue(buffer[..length], skipInputValidation: true);
    }

    /// <summary>
    /// ECMAScript Number::toString(x) for finite x: with the shortest digits d (k of them) and the
    /// decimal exponent n (x = 0.d × 10^n), plain notation for -6 &lt; n ≤ 21, else d.ddde±(n-1).
    /// -0 prints as "0", as in JavaScript.
    /// </summary>
    public static int FormatNumber(double value, Span<byte> output)
    {
        Invariant.Assert(double.IsFinite(value));
        Invariant.Assert(output.Length >= 32);
        if (value == 0)
        {
            output[0] = (byte)'0';
            return 1;
        }

        Span<byte> digits = stackalloc byte[24];
        var (k, n) = ShortestDigits(Math.Abs(value), digits);
        var i = 0;
        if (value < 0)
        {
            output[i++] = (byte)'-';
        }

        if (k <= n && n <= 21)
        {
            digits[..k].CopyTo(output[i..]);
            i += k;
            output.Slice(i, n - k).Fill((byte)'0');
            return i + n - k;
        }

        if (0 < n && n <= 21)
        {
            digits[..n].CopyTo(output[i..]);
            output[i + n] = (byte)'.';
            digits[n..k].CopyTo(output[(i + n + 1)..]);
            return i + k + 1;
        }

        if (-6 < n && n <= 0)
        {
            output[i++] = (byte)'0';
            output[i++] = (byte)'.';
            output.Slice(i, -n).Fill((byte)'0');
            i += -n;
            digits[..k].CopyTo(output[i..]);
            return i + k;
        }

        output[i++] = digits[0];
        if (k > 1)
        {
            output[i++] = (byte)'.';
            digits[1..k].CopyTo(output[i..]);
            i += k - 1;
        }

        output[i++] = (byte)'e';
        output[i++] = n - 1 < 0 ? (byte)'-' : (byte)'+';
        var formatted = Math.Abs(n - 1).TryFormat(output[i..], out var written, default, CultureInfo.InvariantCulture);
        Invariant.Assert(formatted);
        return i + written;
    }

    /// <summary>
    /// The shortest round-trip decimal digits of a positive finite double (no leading or trailing
    /// zeros) and the exponent n with value = 0.d1d2…dk × 10^n. .NET's "R" format yields the
    /// shortest digits; only their layout ("1.5E-07", "123.45") needs undoing.
    /// </summary>
    private static (int Count, int Exponent) ShortestDigits(double value, Span<byte> digits)
    {
        Span<char> text = stackalloc char[32];
        Invariant.Assert(value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture));
        text = text[..length];
        var exponent = 0;
        var e = text.IndexOf('E');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var point = text.IndexOf('.');
        var pointPosition = (point >= 0 ? point : text.Length) + exponent;
        var count = 0;
        var leading = true;
        foreach (var c in text)
        {
            if (c == '.')
            {
                continue;
            }

            if (leading && c == '0')
            {
                pointPosition--;
                continue;
            }

            leading = false;
            digits[count++] = (byte)c;
        }

        while (count > 1 && digits[count - 1] == '0')
        {
            count--;
        }

        Invariant.Assert(count > 0);
        return (count, pointPosition);
    }

    private static int EscapeAscii(char c, Span<byte> output)
    {
        var letter = c switch
        {
            '"' => '"',
            '\\' => '\\',
            '\b' => 'b',
            '\f' => 'f',
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            _ => '\0',
        };
        if (letter == '\0')
        {
            return UnicodeEscape(c, output);
        }

        output[0] = (byte)'\\';
        output[1] = (byte)letter;
        return 2;
    }

    private static int UnicodeEscape(char c, Span<byte> output)
    {
        output[0] = (byte)'\\';
        output[1] = (byte)'u';
        output[2] = (byte)HexDigits[(c >> 12) & 0xF];
        output[3] = (byte)HexDigits[(c >> 8) & 0xF];
        output[4] = (byte)HexDigits[(c >> 4) & 0xF];
        output[5] = (byte)HexDigits[c & 0xF];
        return 6;
    }
}
