using System.Text;
using Convex.Sim.Core;

namespace Convex.Sim.Functions.WebApis;

/// <summary>The percent-encode sets of WHATWG URL §1.3, each a superset of the one before it.</summary>
internal enum PercentEncodeSet
{
    C0Control,
    Fragment,
    Query,
    SpecialQuery,
    Path,
    Userinfo,
}

/// <summary>
/// Percent-encoding (WHATWG URL §1.3) and the <c>application/x-www-form-urlencoded</c> format
/// (§5) that <c>URLSearchParams</c> reads and writes. Code points are UTF-8 encoded first; hex
/// digits are uppercase, as the spec and browsers write them.
/// </summary>
internal static class UrlEncoding
{
    private const string Hex = "0123456789ABCDEF";

    public static bool InSet(int codePoint, PercentEncodeSet set)
    {
        if (codePoint is < 0x20 or > 0x7E)
        {
            return true;
        }

        return set switch
        {
            PercentEncodeSet.C0Control => false,
            PercentEncodeSet.Fragment => codePoint is ' ' or '"' or '<' or '>' or '`',
            PercentEncodeSet.Query => IsQuery(codePoint),
            PercentEncodeSet.SpecialQuery => IsQuery(codePoint) || codePoint == '\'',
            PercentEncodeSet.Path => IsPath(codePoint),
            PercentEncodeSet.Userinfo => IsPath(codePoint)
                || codePoint is '/' or ':' or ';' or '=' or '@' or (>= '[' and <= '^') or '|',
        };
    }

    /// <summary>Appends <paramref name="codePoint"/>, percent-encoded if it is in <paramref name="set"/>.</summary>
    public static void Append(StringBuilder output, int codePoint, PercentEncodeSet set)
    {
        if (!InSet(codePoint, set))
        {
            output.Append((char)codePoint);
            return;
        }

        Invariant.Assert(Rune.IsValid(codePoint));
        Span<byte> bytes = stackalloc byte[4];
        var length = new Rune(codePoint).EncodeToUtf8(bytes);
        foreach (var b in bytes[..length])
        {
            AppendByte(output, b);
        }
    }

    public static string Encode(string text, PercentEncodeSet set)
    {
        var output = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            Append(output, rune.Value, set);
        }

        return output.ToString();
    }

    /// <summary>Percent-decodes the UTF-8 bytes of <paramref name="text"/> (§1.3 "percent-decode").</summary>
    public static byte[] PercentDecode(string text)
    {
        var input = Encoding.UTF8.GetBytes(text);
        var output = new List<byte>(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] == '%' && i + 2 < input.Length && IsHex(input[i + 1]) && IsHex(input[i + 2]))
            {
                output.Add((byte)((HexValue(input[i + 1]) << 4) | HexValue(input[i + 2])));
                i += 2;
            }
            else
            {
                output.Add(input[i]);
            }
        }

        return [.. output];
    }

    /// <summary>The application/x-www-form-urlencoded parser (§5.1).</summary>
    public static List<KeyValuePair<string, string>> ParseForm(string input)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var sequence in input.Split('&'))
        {
            if (sequence.Length == 0)
            {
                continue;
            }

            var equals = sequence.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? sequence : sequence[..equals];
            var value = equals < 0 ? "" : sequence[(equals + 1)..];
            pairs.Add(new(DecodeFormComponent(name), DecodeFormComponent(value)));
        }

        return pairs;
    }

    /// <summary>The application/x-www-form-urlencoded serializer (§5.2).</summary>
    public static string SerializeForm(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var output = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (output.Length > 0)
            {
                output.Append('&');
            }

            EncodeFormComponent(output, name);
            output.Append('=');
            EncodeFormComponent(output, value);
        }

        return output.ToString();
    }

    private static bool IsQuery(int c) => c is ' ' or '"' or '#' or '<' or '>';

    private static bool IsPath(int c) => IsQuery(c) || c is '?' or '`' or '{' or '}';

    private static string DecodeFormComponent(string text) =>
        Encoding.UTF8.GetString(PercentDecode(text.Replace('+', ' ')));

    private static void EncodeFormComponent(StringBuilder output, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b == ' ')
            {
                output.Append('+');
            }
            else if (b is (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_' or (>= (byte)'0' and <= (byte)'9')
                     or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z'))
            {
                output.Append((char)b);
            }
            else
            {
                AppendByte(output, b);
            }
        }
    }

    private static void AppendByte(StringBuilder output, byte b) =>
        output.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);

    internal static bool IsHex(int c) => c is (>= '0' and <= '9') or (>= 'A' and <= 'F') or (>= 'a' and <= 'f');

    internal static int HexValue(int c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
