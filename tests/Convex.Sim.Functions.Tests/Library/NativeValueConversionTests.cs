using System.Globalization;
using System.Text;
using Convex.Sim.Functions.Library;
using FsCheck;
using Jint;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Convex.Sim.Functions.Tests.Library;

/// <summary>
/// Differential conformance: the native value conversion against the library's own JavaScript
/// (the corpus bundle's copy, convex 1.48.0) on the same inputs, results and error messages
/// compared exactly. A few outcomes are also written out by hand, so that a change that broke
/// both sides the same way would still fail.
/// </summary>
public sealed class NativeValueConversionTests
{
    private static readonly Lazy<ConversionProbe> Native = new(() => new ConversionProbe(ValueConversion.Native));
    private static readonly Lazy<ConversionProbe> Interpreted = new(() => new ConversionProbe(ValueConversion.Interpreted));

    private static readonly string[] Kinds = ["toJson", "toJsonPatch", "fromJson", "roundTrip"];

    /// <summary>Hand-picked inputs (JSON descriptions, see <see cref="ConversionProbe"/>).</summary>
    public static readonly string[] EdgeCases =
    [
        """["null"]""", """["undefined"]""", """["bool", true]""", """["num", "0"]""", """["num", "-0"]""",
        """["num", "1.5"]""", """["num", "NaN"]""", """["num", "Infinity"]""", """["num", "-Infinity"]""",
        """["num", "9007199254740993"]""", """["num", "5e-324"]""", """["str", ""]""", """["str", "h\u00e9llo \ud83d\ude00"]""",
        """["str", "\ud800"]""", """["big", "0"]""", """["big", "-1"]""", """["big", "9223372036854775807"]""",
        """["big", "-9223372036854775808"]""", """["big", "9223372036854775808"]""", """["big", "-9223372036854775809"]""",
        """["obj", [["b", ["num", "1"]], ["a", ["num", "2"]], ["10", ["num", "3"]], ["2", ["num", "4"]], ["B", ["null"]]]]""",
        """["obj", [["a", ["undefined"]], ["b", ["num", "1"]]]]""",
        """["obj", [["a", ["obj", [["b", ["undefined"]]]]]]]""",
        """["arr", [["num", "1"], ["undefined"]]]""",
        """["obj", [["x", ["arr", [["obj", [["y", ["undefined"]], ["z", ["big", "5"]]]]]]]]]""",
        """["obj", [["$x", ["num", "1"]]]]""", """["obj", [["_x", ["num", "1"]]]]""", """["obj", [["\u00e9", ["num", "1"]]]]""",
        """["obj", [["a\u0001", ["num", "1"]]]]""", """["obj", [["a\u007f", ["num", "1"]]]]""", """["obj", [["", ["num", "1"]]]]""",
        """["obj", [["a", ["num", "1"]], ["$b", ["undefined"]]]]""",
        """["json", "{\"__proto__\": {\"a\": 1}, \"b\": 2}"]""", """["json", "{\"__proto__\": 5}"]""",
        """["json", "{\"$integer\": \"AQAAAAAAAAA=\"}"]""", """["json", "{\"$integer\": \"////////////\"}"]""",
        """["json", "{\"$integer\": \"AQAAAAAAAA==\"}"]""", """["json", "{\"$integer\": \"-_______38=\"}"]""",
        """["json", "{\"$integer\": 5}"]""", """["json", "{\"$integer\": \"AQAAAAAAAAA=\", \"b\": 1}"]""",
        """["json", "{\"$float\": \"AAAAAAAA+H8=\"}"]""", """["json", "{\"$float\": \"AAAAAAAA8H8=\"}"]""",
        """["json", "{\"$float\": \"AAAAAAAAAIA=\"}"]""", """["json", "{\"$float\": \"AAAAAAAA8D8=\"}"]""",
        """["json", "{\"$bytes\": \"AQID\"}"]""", """["json", "{\"$bytes\": 1}"]""", """["json", "{\"$commitTs\": null}"]""",
        """["json", "{\"$set\": []}"]""", """["json", "{\"$map\": []}"]""", """["json", "{\"$foo\": 1}"]""",
        """["json", "{\"a\": {\"$integer\": \"KgAAAAAAAAA=\"}, \"b\": [{\"$float\": \"AAAAAAAA+H8=\"}]}"]""",
        """["bytes", [1, 2, 255]]""", """["obj", [["b", ["bytes", []]]]]""",
        """["set"]""", """["map"]""", """["class"]""", """["date"]""", """["fn"]""", """["symbol", "s"]""",
        """["obj", [["s", ["symbol", "x"]]]]""", """["obj", [["f", ["fn"]]]]""", """["arr", [["class"]]]""",
        """["nullproto", [["a", ["num", "1"]]]]""", """["holes", [["num", "1"], ["num", "2"]]]""",
        """["getter", "a", ["num", "1"]]""", """["getter", "$a", ["num", "1"]]""", """["hidden", ["fn"]]""",
        """["proxy", ["obj", [["a", ["num", "1"]]]]]""", """["proxy", ["arr", [["num", "1"]]]]""",
        """["deep", 63, ["num", "1"]]""", """["deep", 70, ["undefined"]]""", """["deep", 200, ["num", "1"]]""",
        """["long", 3000]""", """["cycle"]""",
        """["obj", [["x", ["str", "LONG"]], ["y", ["undefined"]], ["z", ["arr", [["undefined"]]]]]]""",
    ];

    [Fact]
    public void The_corpus_library_chunk_is_recognised()
    {
        var (modules, chunk) = ConversionProbe.Modules();
        Assert.True(modules.IsSubstituted(chunk));
        Assert.StartsWith("_deps/", chunk, StringComparison.Ordinal);
    }

    [Fact]
    public void Edge_cases_give_the_library_results_and_errors()
    {
        var native = Native.Value;
        var interpreted = Interpreted.Value;
        var nativeBefore = native.Worker.NativeConversion.NativeCalls;
        var mismatches = new StringBuilder();
        foreach (var description in EdgeCases.Select(c => c.Replace("LONG", new string('x', 20_000), StringComparison.Ordinal)))
        {
            foreach (var kind in Kinds)
            {
                var expected = interpreted.Run(kind, description);
                var actual = native.Run(kind, description);
                if (expected != actual)
                {
                    mismatches.AppendLine(CultureInfo.InvariantCulture, $"{kind} {description}\n  library: {expected}\n  native:  {actual}");
                }
            }
        }

        Assert.True(mismatches.Length == 0, mismatches.ToString());
        Assert.True(native.Worker.NativeConversion.NativeCalls - nativeBefore > 100, "the native path was taken");
        Assert.Equal(0, interpreted.Worker.NativeConversion.NativeCalls);
    }

    [Theory]
    [InlineData("toJson", """["obj", [["b", ["num", "-0"]], ["a", ["big", "-2"]], ["c", ["undefined"]]]]""",
        """{"a":{"$integer":"/v////////8="},"b":{"$float":"AAAAAAAAAIA="}}""")]
    [InlineData("toJsonPatch", """["obj", [["c", ["undefined"]]]]""", """{"c":{"$undefined":null}}""")]
    [InlineData("fromJson", """["json", "{\"z\": {\"$integer\": \"KgAAAAAAAAA=\"}, \"a\": {\"$float\": \"AAAAAAAA8P8=\"}}"]""",
        """{"z":42n,"a":-Infinity}""")]
    [InlineData("toJson", """["obj", [["$x", ["num", "1"]]]]""", "throws Error: Field name $x starts with a '$', which is reserved.")]
    [InlineData("toJson", """["obj", [["a", ["arr", [["undefined"]]]]]]""",
        "throws Error: undefined is not a valid Convex value (present at path .a[0] in original object {\"a\":[\"undefined\"]}). "
        + "To learn about Convex's supported types, see https://docs.convex.dev/using/types.")]
    [InlineData("toJson", """["obj", [["c", ["class"]]]]""",
        "throws Error: Custom {\"a\":1} is not a supported Convex type (present at path .c in original object {\"c\":{\"a\":1}}). "
        + "To learn about Convex's supported types, see https://docs.convex.dev/using/types.")]
    [InlineData("fromJson", """["json", "{\"\u00e9\": 1}"]""",
        "throws Error: Field name \u00e9 has invalid character '\u00e9': Field names can only contain non-control ASCII characters")]
    public void Both_give_the_hand_written_outcome(string kind, string description, string expected)
    {
        Assert.Equal(expected, Native.Value.Run(kind, description));
        Assert.Equal(expected, Interpreted.Value.Run(kind, description));
    }

    [Property(Arbitrary = [typeof(DescriptionGenerators)], MaxTest = 400)]
    public void Generated_values_give_the_library_results_and_errors(Description value)
    {
        foreach (var kind in Kinds)
        {
            Assert.Equal(Recursion(Interpreted.Value.Run(kind, value.Json)), Recursion(Native.Value.Run(kind, value.Json)));
        }
    }

    /// <summary>
    /// A cyclic value makes the library recurse until the engine gives up, and which of Jint's two limits
    /// trips first is not a property of the conversion: <c>StackOverflowGuard</c> (a catchable RangeError)
    /// measures the native stack, which depends on the thread and on how far the JIT has tiered the
    /// interpreter, while the recursion limit (a host exception) counts JavaScript calls. The runner reports
    /// both as "Uncaught RangeError: Maximum call stack size exceeded" (JsEventLoop), so they compare equal.
    /// </summary>
    private static string Recursion(string outcome) =>
        outcome is "host: recursion" || outcome.StartsWith("throws RangeError: Maximum call stack size exceeded", StringComparison.Ordinal)
            ? "the engine's recursion limit"
            : outcome;

    [Fact]
    public void A_replaced_builtin_sends_the_conversion_to_the_library()
    {
        var native = new ConversionProbe(ValueConversion.Native);
        var interpreted = new ConversionProbe(ValueConversion.Interpreted);
        const string description = """["obj", [["b", ["num", "1"]], ["a", ["obj", [["d", ["null"]], ["c", ["str", "x"]]]]]]]""";
        Assert.Equal("""{"a":{"c":"x","d":null},"b":1}""", native.Run("toJson", description));
        Assert.Equal(0, native.Worker.NativeConversion.Fallbacks);

        foreach (var probe in new[] { native, interpreted })
        {
            ((Jint.Native.Function.Function)probe.Namespace.Get("patchObjectEntries")).Call(Jint.Native.JsValue.Undefined, []);
        }

        // jsonToConvex keeps Object.entries order, so the reversed entries show.
        const string json = """["json", "{\"a\": 1, \"b\": 2}"]""";
        Assert.Equal("""{"b":2,"a":1}""", interpreted.Run("fromJson", json));
        Assert.Equal("""{"b":2,"a":1}""", native.Run("fromJson", json));
        Assert.True(native.Worker.NativeConversion.Fallbacks > 0);
    }

    [Fact]
    public void A_setter_on_Object_prototype_runs_as_in_the_library()
    {
        var native = new ConversionProbe(ValueConversion.Native);
        var interpreted = new ConversionProbe(ValueConversion.Interpreted);
        foreach (var probe in new[] { native, interpreted })
        {
            ((Jint.Native.Function.Function)probe.Namespace.Get("addObjectPrototypeSetter")).Call(Jint.Native.JsValue.Undefined, []);
        }

        // `result.a = …` calls the setter, so the converted object has no own "a".
        const string description = """["json", "{\"b\": 1, \"a\": 2}"]""";
        foreach (var kind in new[] { "toJson", "fromJson" })
        {
            Assert.Equal("""{"b":1}""", interpreted.Run(kind, description));
            Assert.Equal("""{"b":1}""", native.Run(kind, description));
        }

        Assert.Equal("""{"b":1}""", native.Run("toJson", """["json", "{\"b\": 1}"]"""));
        Assert.True(native.Worker.NativeConversion.NativeCalls > 0);
        Assert.True(native.Worker.NativeConversion.Fallbacks >= 2);
    }

    /// <summary>A value description for <see cref="ConversionProbe"/>.</summary>
    public sealed record Description(string Json)
    {
        public override string ToString() => Json;
    }

    public static class DescriptionGenerators
    {
        private static readonly string[] Keys =
        [
            "a", "b", "B", "_id", "_x", "$x", "10", "2", "", "\u00e9", "a b", "a\u0001", "constructor", "toString", "zz", "\ud83d\ude00",
        ];

        private static Gen<string> Leaf => Gen.OneOf(
            Gen.Elements("""["null"]""", """["undefined"]""", """["bool", true]""", """["bool", false]""", """["fn"]""",
                """["symbol", "s"]""", """["set"]""", """["class"]""", """["num", "-0"]""", """["num", "NaN"]""",
                """["num", "Infinity"]""", """["num", "-Infinity"]""", """["cycle"]""", """["date"]"""),
            ArbMap.Default.GeneratorFor<double>().Where(d => double.IsFinite(d))
                .Select(d => $"[\"num\", \"{d.ToString("R", CultureInfo.InvariantCulture)}\"]"),
            ArbMap.Default.GeneratorFor<long>().Select(l => $"[\"big\", \"{l.ToString(CultureInfo.InvariantCulture)}\"]"),
            Gen.Elements("9223372036854775808", "-9223372036854775809", "123456789012345678901234567890")
                .Select(l => $"[\"big\", \"{l}\"]"),
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).Select(s => $"[\"str\", {Quote(s)}]"),
            Gen.Elements("a", "\u00e9\u00e8", "\ud800", "\ud83d\ude00").Select(s => $"[\"str\", {Quote(s)}]"),
            Gen.ArrayOf(Gen.Choose(0, 255)).Select(b => $"[\"bytes\", [{string.Join(",", b)}]]"));

        private static Gen<string> OfDepth(int depth)
        {
            if (depth == 0)
            {
                return Leaf;
            }

            var inner = OfDepth(depth - 1);
            var field = Gen.Zip(Gen.Elements(Keys), inner).Select(p => $"[{Quote(p.Item1)}, {p.Item2}]");
            return Gen.Frequency(
                (3, Leaf),
                (2, inner.ListOf().Select(items => $"[\"arr\", [{string.Join(", ", items)}]]")),
                (3, field.ListOf().Select(fields => $"[\"obj\", [{string.Join(", ", fields)}]]")),
                (1, field.ListOf().Select(fields => $"[\"nullproto\", [{string.Join(", ", fields)}]]")),
                (1, Gen.Zip(Gen.Elements(Keys), inner).Select(p => $"[\"getter\", {Quote(p.Item1)}, {p.Item2}]")),
                (1, inner.Select(v => $"[\"proxy\", [\"obj\", [[\"p\", {v}]]]]")),
                (1, Gen.Zip(Gen.Choose(60, 70), inner).Select(p => $"[\"deep\", {p.Item1}, {p.Item2}]")),
                (1, inner.ListOf().Select(items => $"[\"holes\", [{string.Join(", ", items)}]]")),
                // The JSON encodings, valid and not, for jsonToConvex.
                (2, Gen.Elements("$integer", "$float", "$bytes", "$commitTs", "$set", "$x")
                    .SelectMany(key => ArbMap.Default.GeneratorFor<long>().Select(bits => (key, bits)))
                    .Select(p => $"[\"json\", {Quote($"{{\"{p.key}\": \"{Convert.ToBase64String(BitConverter.GetBytes(p.bits))}\"}}")}]")));
        }

        public static Arbitrary<Description> Descriptions() =>
            Arb.From(Gen.Sized(size => OfDepth(Math.Min(size / 20, 3))).Select(json => new Description(json)));

        /// <summary>A JSON string literal with every non-ASCII or control character escaped (lone surrogates survive).</summary>
        internal static string Quote(string s)
        {
            var text = new StringBuilder("\"");
            foreach (var c in s)
            {
                if (c is '"' or '\\')
                {
                    text.Append('\\').Append(c);
                }
                else if (c < 32 || c > 126)
                {
                    text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                }
                else
                {
                    text.Append(c);
                }
            }

            return text.Append('"').ToString();
        }
    }
}
