using System.Globalization;
using System.Text;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// The two ways the official backend prints a float64 in messages, both from the shortest digits
/// that round-trip: Rust's <c>{:?}</c> for values (<c>12.0</c>, <c>0.1</c>, <c>1e16</c>, <c>1e-5</c>,
/// <c>NaN</c>, <c>inf</c>, <c>-0.0</c>; an exponent when |x| &lt; 1e-4 or |x| ≥ 1e16) and serde_json's
/// ryu form for literals (<c>1.0</c>, <c>0.00001</c>, <c>1e16</c>, <c>1.5e-7</c>; plain up to 16 integer
/// digits and down to 5 leading fractional zeros).
/// </summary>
internal static class RustFloat
{
    public static string Debug(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var sign = double.IsNegative(value) ? "-" : "";
        if (value == 0)
        {
            return sign + "0.0";
        }

        var (digits, pointAt) = ShortestDigits(Math.Abs(value));
        var magnitude = Math.Abs(value);
        return magnitude is >= 1e-4 and < 1e16
            ? sign + Plain(digits, pointAt)
            : sign + Exponential(digits, pointAt);
    }

    /// <summary>Finite values only: serde_json refuses NaN and the infinities.</summary>
    public static string Json(double value)
    {
        Invariant.Assert(double.IsFinite(value));
        var sign = double.IsNegative(value) ? "-" : "";
        if (value == 0)
        {
            return sign + "0.0";
        }

        var (digits, pointAt) = ShortestDigits(Math.Abs(value));
        return pointAt is > -5 and <= 16
            ? sign + Plain(digits, pointAt)
            : sign + Exponential(digits, pointAt);
    }

    /// <summary>
    /// The shortest round-trip significant digits (no leading or trailing zeros) of a positive finite
    /// value, and where the decimal point goes: value = 0.d1d2…dn × 10^pointAt.
    /// </summary>
    private static (string Digits, int PointAt) ShortestDigits(double value)
    {
        Invariant.Assert(value > 0);
        Invariant.Assert(double.IsFinite(value));

        // "R" is the shortest round-trip form on .NET Core 3.0+, e.g. "123.45", "1E+16", "1.5E-05".
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? text : text[..e];
        var exponent = e < 0
            ? 0
            : int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var all = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var pointAt = (dot < 0 ? mantissa.Length : dot) + exponent;
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        return (digits, pointAt - leadingZeros);
    }

    /// <summary>Positional notation with at least one fractional digit: "12.0", "0.001", "1.5".</summary>
    private static string Plain(string digits, int pointAt)
    {
        var text = new StringBuilder();
        if (pointAt <= 0)
        {
            return text.Append("0.").Append('0', -pointAt).Append(digits).ToString();
        }

        if (pointAt >= digits.Length)
        {
            return text.Append(digits).Append('0', pointAt - digits.Length).Append(".0").ToString();
        }

        return text.Append(digits, 0, pointAt).Append('.').Append(digits, pointAt, digits.Length - pointAt).ToString();
    }

    /// <summary>Scientific notation without a '+' or padding: "1e16", "1.5e-7".</summary>
    private static string Exponential(string digits, int pointAt)
    {
        var mantissa = digits.Length == 1 ? digits : $"{digits[0]}.{digits[1..]}";
        return $"{mantissa}e{(pointAt - 1).ToString(CultureInfo.InvariantCulture)}";
    }
}
