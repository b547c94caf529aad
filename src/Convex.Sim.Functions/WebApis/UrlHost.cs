using System.Globalization;
using System.Text;
using Convex.Sim.Core;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// The host parser (WHATWG URL §3.5) and serializers (§3.6): domains (ASCII lowercased,
/// non-ASCII through IDNA/UTS #46 with <see cref="IdnMapping"/>), IPv4 in every legacy spelling
/// (<c>0x7f.1</c>, <c>017700000001</c>), IPv6 with compression and embedded IPv4, and the opaque
/// hosts of non-special schemes. Returns the serialized host, or null on failure.
/// </summary>
internal static class UrlHost
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    public static string? Parse(string input, bool isOpaque)
    {
        if (input.StartsWith('['))
        {
            return input.EndsWith(']') && ParseIpv6(input[1..^1]) is { } address
                ? "[" + SerializeIpv6(address) + "]"
                : null;
        }

        if (isOpaque)
        {
            return input.Any(IsForbiddenHostCodePoint) ? null : UrlEncoding.Encode(input, PercentEncodeSet.C0Control);
        }

        Invariant.Assert(input.Length > 0);
        var domain = Encoding.UTF8.GetString(UrlEncoding.PercentDecode(input));
        var ascii = DomainToAscii(domain);
        if (ascii is null || ascii.Any(IsForbiddenDomainCodePoint))
        {
            return null;
        }

        return EndsInNumber(ascii) ? ParseIpv4(ascii) : ascii;
    }

    private static bool IsForbiddenHostCodePoint(char c) =>
        c is '\0' or '\t' or '\n' or '\r' or ' ' or '#' or '/' or ':' or '<' or '>' or '?' or '@' or '[' or '\\' or ']'
            or '^' or '|';

    private static bool IsForbiddenDomainCodePoint(char c) =>
        IsForbiddenHostCodePoint(c) || c <= 0x1F || c is '%' or '\u007F';

    /// <summary>"Domain to ASCII" with beStrict false (§3.3).</summary>
    private static string? DomainToAscii(string domain)
    {
        if (domain.All(char.IsAscii))
        {
            var lower = domain.ToLowerInvariant();
            // UTS #46 also checks that "xn--" labels are valid Punycode.
            foreach (var label in lower.Split('.'))
            {
                if (label.StartsWith("xn--", StringComparison.Ordinal) && !IsValidPunycode(label))
                {
                    return null;
                }
            }

            return lower;
        }

        try
        {
            var ascii = Idn.GetAscii(domain).ToLowerInvariant();
            return ascii.Length == 0 ? null : ascii;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsValidPunycode(string label)
    {
        try
        {
            Idn.GetUnicode(label);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The "ends in a number" checker (§3.5).</summary>
    private static bool EndsInNumber(string input)
    {
        var parts = input.Split('.').ToList();
        if (parts[^1].Length == 0)
        {
            if (parts.Count == 1)
            {
                return false;
            }

            parts.RemoveAt(parts.Count - 1);
        }

        var last = parts[^1];
        if (last.Length > 0 && last.All(char.IsAsciiDigit))
        {
            return true;
        }

        return ParseIpv4Number(last) is not null;
    }

    /// <summary>The IPv4 parser (§3.5), returning the dotted-decimal serialization.</summary>
    private static string? ParseIpv4(string input)
    {
        var parts = input.Split('.').ToList();
        if (parts[^1].Length == 0 && parts.Count > 1)
        {
            parts.RemoveAt(parts.Count - 1);
        }

        if (parts.Count > 4)
        {
            return null;
        }

        var numbers = new List<ulong>(parts.Count);
        foreach (var part in parts)
        {
            if (ParseIpv4Number(part) is not { } number)
            {
                return null;
            }

            numbers.Add(number);
        }

        for (var i = 0; i < numbers.Count - 1; i++)
        {
            if (numbers[i] > 255)
            {
                return null;
            }
        }

        if (numbers[^1] >= 1UL << (8 * (5 - numbers.Count)))
        {
            return null;
        }

        var address = numbers[^1];
        for (var i = 0; i < numbers.Count - 1; i++)
        {
            address += numbers[i] << (8 * (3 - i));
        }

        Invariant.Assert(address <= uint.MaxValue);
        var octets = Enumerable.Range(0, 4).Select(i => (address >> (8 * (3 - i))) & 0xFF);
        return string.Join('.', octets.Select(o => o.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The IPv4 number parser: decimal, <c>0x</c> hex or leading-zero octal; saturates above 2^32.</summary>
    private static ulong? ParseIpv4Number(string input)
    {
        if (input.Length == 0)
        {
            return null;
        }

        var radix = 10;
        if (input.Length >= 2 && input[0] == '0' && input[1] is 'x' or 'X')
        {
            radix = 16;
            input = input[2..];
        }
        else if (input.Length >= 2 && input[0] == '0')
        {
            radix = 8;
            input = input[1..];
        }

        ulong value = 0;
        foreach (var c in input)
        {
            var digit = UrlEncoding.IsHex(c) ? UrlEncoding.HexValue(c) : 99;
            if (digit >= radix)
            {
                return null;
            }

            value = Math.Min(value * (ulong)radix + (ulong)digit, 1UL << 40);
        }

        return value;
    }

    /// <summary>The IPv6 parser (§3.5).</summary>
    private static ushort[]? ParseIpv6(string input)
    {
        var address = new ushort[8];
        var pieceIndex = 0;
        int? compress = null;
        var pointer = 0;
        int At(int i) => i < input.Length ? input[i] : -1;

        if (At(0) == ':')
        {
            if (At(1) != ':')
            {
                return null;
            }

            pointer = 2;
            compress = ++pieceIndex;
        }

        while (At(pointer) != -1)
        {
            if (pieceIndex == 8)
            {
                return null;
            }

            if (At(pointer) == ':')
            {
                if (compress is not null)
                {
                    return null;
                }

                pointer++;
                compress = ++pieceIndex;
                continue;
            }

            var (value, length) = ReadHexPiece(input, ref pointer);
            if (At(pointer) == '.')
            {
                // An embedded IPv4 address ("::ffff:1.2.3.4") ends the input; its digits start this piece.
                if (length == 0 || pieceIndex > 6
                    || !ParseEmbeddedIpv4(input, pointer - length, address, ref pieceIndex))
                {
                    return null;
                }

                return Compress(address, pieceIndex, compress);
            }

            if (At(pointer) == ':')
            {
                pointer++;
                if (At(pointer) == -1)
                {
                    return null;
                }
            }
            else if (At(pointer) != -1)
            {
                return null;
            }

            address[pieceIndex++] = (ushort)value;
        }

        return Compress(address, pieceIndex, compress);
    }

    /// <summary>Up to four hex digits of an IPv6 piece: its value and how many digits were read.</summary>
    private static (int Value, int Length) ReadHexPiece(string input, ref int pointer)
    {
        var value = 0;
        var length = 0;
        while (length < 4 && pointer < input.Length && UrlEncoding.IsHex(input[pointer]))
        {
            value = value * 16 + UrlEncoding.HexValue(input[pointer]);
            pointer++;
            length++;
        }

        Invariant.Assert(value <= ushort.MaxValue);
        return (value, length);
    }

    private static bool ParseEmbeddedIpv4(string input, int pointer, ushort[] address, ref int pieceIndex)
    {
        var numbersSeen = 0;
        while (pointer < input.Length)
        {
            if (numbersSeen > 0)
            {
                if (input[pointer] != '.' || numbersSeen >= 4)
                {
                    return false;
                }

                pointer++;
            }

            if (pointer >= input.Length || !char.IsAsciiDigit(input[pointer]))
            {
                return false;
            }

            int? piece = null;
            while (pointer < input.Length && char.IsAsciiDigit(input[pointer]))
            {
                var number = input[pointer] - '0';
                if (piece == 0)
                {
                    return false;
                }

                piece = piece is null ? number : piece * 10 + number;
                if (piece > 255)
                {
                    return false;
                }

                pointer++;
            }

            address[pieceIndex] = (ushort)(address[pieceIndex] * 0x100 + piece!.Value);
            numbersSeen++;
            if (numbersSeen is 2 or 4)
            {
                pieceIndex++;
            }
        }

        return numbersSeen == 4;
    }

    private static ushort[]? Compress(ushort[] address, int pieceIndex, int? compress)
    {
        if (compress is not { } start)
        {
            return pieceIndex == 8 ? address : null;
        }

        var swaps = pieceIndex - start;
        pieceIndex = 7;
        while (pieceIndex != 0 && swaps > 0)
        {
            (address[pieceIndex], address[start + swaps - 1]) = (address[start + swaps - 1], address[pieceIndex]);
            pieceIndex--;
            swaps--;
        }

        return address;
    }

    /// <summary>The IPv6 serializer (§3.6): lowercase hex, the first longest run of 2+ zero pieces as "::".</summary>
    private static string SerializeIpv6(ushort[] address)
    {
        var (compress, bestLength) = (-1, 1);
        for (var i = 0; i < 8;)
        {
            var run = 0;
            while (i + run < 8 && address[i + run] == 0)
            {
                run++;
            }

            if (run > bestLength)
            {
                (compress, bestLength) = (i, run);
            }

            i += Math.Max(run, 1);
        }

        var output = new StringBuilder();
        for (var i = 0; i < 8; i++)
        {
            if (i == compress)
            {
                output.Append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }

            output.Append(address[i].ToString("x", CultureInfo.InvariantCulture));
            if (i != 7)
            {
                output.Append(':');
            }
        }

        return output.ToString();
    }
}
