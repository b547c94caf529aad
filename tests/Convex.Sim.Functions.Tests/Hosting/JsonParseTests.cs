using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Modules;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Jint;
using Jint.Native;

namespace Convex.Sim.Functions.Tests.Hosting;

/// <summary>
/// The worker's <c>JSON.parse</c> (one reused parser per engine) behaves exactly like a plain Jint engine's
/// own <c>JSON.parse</c>: the same values (down to -0, key order, own <c>__proto__</c> keys and lone
/// surrogates), the same errors with the same messages, and the same handling of non-string arguments.
/// </summary>
public sealed class JsonParseTests
{
    /// <summary>Parses with JSON.parse and prints what it produced (or threw) in a form that tells apart
    /// everything JSON can express, and more (-0, prototypes, property order).</summary>
    private const string Probe = """
        (function () {
          function show(v) {
            if (v === null) return "null";
            if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
            if (typeof v === "string") return "s" + JSON.stringify(v) + v.length;
            if (typeof v === "boolean") return String(v);
            if (Array.isArray(v)) return "[" + v.map(show).join(",") + "]";
            if (typeof v === "object") {
              const proto = Object.getPrototypeOf(v) === Object.prototype ? "" : "!proto";
              return "{" + Object.getOwnPropertyNames(v).map((k) => JSON.stringify(k) + ":" + show(v[k])).join(",") + "}" + proto;
            }
            return typeof v;
          }
          return function probe(input, withReviver) {
            try {
              const value = withReviver
                ? JSON.parse(input, (key, v) => (typeof v === "number" ? v + 1 : v))
                : JSON.parse(input);
              return "ok " + show(value);
            } catch (e) {
              return "error " + e.name + ": " + e.message;
            }
          };
        })()
        """;

    private static readonly Lazy<(Engine Ours, JsValue OurProbe)> OursEngine = new(() =>
    {
        var worker = new JsWorker(ModuleSet.Empty, TimeProvider.System);
        return (worker.Engine, worker.Engine.Evaluate(Probe));
    });

    private static readonly Lazy<(Engine Jint, JsValue JintProbe)> JintEngine = new(() =>
    {
        var engine = new Engine(options => options.Strict = true);
        return (engine, engine.Evaluate(Probe));
    });

    private static (string Ours, string Jint) Both(JsValue input, bool withReviver = false)
    {
        var (ours, ourProbe) = OursEngine.Value;
        var (jint, jintProbe) = JintEngine.Value;
        return (ours.Invoke(ourProbe, input, withReviver).ToString(), jint.Invoke(jintProbe, input, withReviver).ToString());
    }

    [Theory]
    [InlineData("""{"a":1,"b":[true,false,null],"c":{"d":"e"}}""")]
    [InlineData("""  [ -0 , 0.5e-3, 1E400, -1e-400, 5e-324, 1.7976931348623157e308, 9007199254740993 ] """)]
    [InlineData("""{"__proto__":{"x":1},"a":2,"a":3,"b":1}""")]
    [InlineData("""["\ud800","\udc00\ud800","\u0000\t\n\"\\\/","é😀"]""")]
    [InlineData("\"plain\"")]
    [InlineData("""{"k":"v","k2":"v","k":"v"}""")]
    [InlineData("[[[[[[[[[[]]]]]]]]]]")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[1,]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("01")]
    [InlineData("'single'")]
    [InlineData("\"unterminated")]
    [InlineData("\"tab\tinside\"")]
    [InlineData("[1 2]")]
    [InlineData("{\"a\" 1}")]
    [InlineData("nul")]
    [InlineData("truex")]
    [InlineData("\"\\x41\"")]
    [InlineData("-")]
    [InlineData("1.")]
    [InlineData(".5")]
    public void Texts_parse_as_jint_parses_them(string text)
    {
        var (ours, jint) = Both(new JsString(text));
        Assert.Equal(jint, ours);
        var (oursRevived, jintRevived) = Both(new JsString(text), withReviver: true);
        Assert.Equal(jintRevived, oursRevived);
    }

    [Fact]
    public void Non_string_arguments_are_converted_to_strings_first()
    {
        foreach (var input in new JsValue[] { JsValue.Undefined, JsValue.Null, new JsNumber(-0.0), new JsNumber(42), JsBoolean.True })
        {
            var (ours, jint) = Both(input);
            Assert.Equal(jint, ours);
        }

        var script = """
            const calls = [];
            const text = { toString() { calls.push(JSON.parse('"inner"')); return '{"outer":1}'; } };
            JSON.stringify([JSON.parse(text), calls, JSON.parse.name, JSON.parse.length, Object.getOwnPropertyDescriptor(JSON, "parse").enumerable])
            """;
        var expected = """[{"outer":1},["inner"],"parse",2,false]""";
        Assert.Equal(expected, OursEngine.Value.Ours.Evaluate(script).ToString());
        Assert.Equal(expected, new Engine().Evaluate(script).ToString());
    }

    [Fact]
    public void A_failed_parse_leaves_the_shared_parser_usable()
    {
        Assert.StartsWith("error SyntaxError", Both(new JsString("{\"a\":")).Ours);
        Assert.Equal("ok {\"a\":s\"b\"1}", Both(new JsString("{\"a\":\"b\"}")).Ours);
    }

    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ",", ":", "\"", "\"a\"", "\"__proto__\"", "\"\\u00e9\"", "\"\\ud83d\"", "\\", "0", "-0", "1",
        "12.5e-3", "1e999", "true", "false", "null", " ", "\n", "x", "é", "\u2028",
    ];

    /// <summary>Token soups: mostly malformed, sometimes well-formed, texts; both parsers must agree on every one.</summary>
    [Property(MaxTest = 500)]
    public Property Random_texts_parse_as_jint_parses_them() =>
        Prop.ForAll(
            Gen.Elements(Tokens).ArrayOf().Select(parts => string.Concat(parts)).ToArbitrary(),
            text =>
            {
                var (ours, jint) = Both(new JsString(text));
                return ours == jint;
            });

    /// <summary>Well-formed documents built from random trees.</summary>
    [Property(MaxTest = 300)]
    public Property Random_documents_parse_as_jint_parses_them() =>
        Prop.ForAll(
            Gen.Sized(size => Document(Math.Min(size, 6))).ToArbitrary(),
            text =>
            {
                var (ours, jint) = Both(new JsString(text));
                return ours == jint && ours.StartsWith("ok", StringComparison.Ordinal);
            });

    private static Gen<string> Document(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Constant("null"), Gen.Constant("true"), Gen.Constant("false"),
            ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite).Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).Select(s => System.Text.Json.JsonSerializer.Serialize(s)));
        if (depth <= 0)
        {
            return scalar;
        }

        var inner = Document(depth - 1);
        var array = inner.ListOf().Select(items => "[" + string.Join(",", items) + "]");
        var key = Gen.Elements("a", "b", "__proto__", "é", "0", "");
        var obj = Gen.Zip(key, inner).ListOf()
            .Select(fields => "{" + string.Join(",", fields.Select(f => System.Text.Json.JsonSerializer.Serialize(f.Item1) + ":" + f.Item2)) + "}");
        return Gen.OneOf(scalar, array, obj);
    }
}
