using System.Collections.Frozen;
using System.Text;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>TextEncoder</c> and <c>TextDecoder</c> (WHATWG Encoding §8). Only UTF-8 is implemented:
/// the encoder is UTF-8 by definition, and the decoder accepts the UTF-8 labels and refuses
/// others with a RangeError (Convex supports every encoding_rs encoding; none other is common in
/// functions). Decoding follows the spec: U+FFFD per maximal invalid subsequence (what .NET's
/// UTF-8 decoder produces), the BOM stripped unless <c>ignoreBOM</c>, <c>fatal</c> turning
/// malformed input into a TypeError, and <c>{ stream: true }</c> carrying incomplete sequences
/// over to the next call.
/// </summary>
internal static class TextEncodingApi
{
    private static readonly FrozenSet<string> Utf8Labels = new[]
    {
        "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> OtherKnownLabels = new[]
    {
        "utf-16le", "utf-16", "utf-16be", "unicode", "ucs-2", "latin1", "iso-8859-1", "ascii", "us-ascii",
        "windows-1252", "cp1252", "iso-8859-2", "shift_jis", "euc-jp", "euc-kr", "gbk", "gb18030", "big5",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static JsValue CreateEncoder(WebApiContext context)
    {
        var engine = context.Engine;
        var encoder = new HostClass<EncoderState>(context, "TextEncoder", 0, _ => EncoderState.Instance);
        encoder.Accessor("encoding", _ => new JsString("utf-8"));
        encoder.Method("encode", 0, (_, args) =>
        {
            var input = WebApiContext.Arg(args, 0);
            var text = input.IsUndefined() ? "" : TypeConverter.ToString(input);
            // Encoding.UTF8 replaces lone surrogates with U+FFFD, which is the USVString conversion.
            return engine.Intrinsics.Uint8Array.Construct(Encoding.UTF8.GetBytes(text));
        });
        encoder.Method("encodeInto", 2, (_, args) =>
        {
            context.RequireArguments(args, 2, "Failed to execute 'encodeInto' on 'TextEncoder'");
            var destination = args[1];
            var bytes = ArraySegment<byte>.Empty;
            if (!destination.IsUint8Array() || !BufferSources.TryGetBytes(context, destination, out bytes))
            {
                throw context.TypeError(
                    "Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
            }

            var (read, written) = EncodeInto(TypeConverter.ToString(args[0]), bytes);
            var result = new JsObject(engine);
            result.Set("read", JsNumber.Create(read));
            result.Set("written", JsNumber.Create(written));
            return result;
        });
        return encoder;
    }

    public static JsValue CreateDecoder(WebApiContext context)
    {
        var decoder = new HostClass<DecoderState>(context, "TextDecoder", 0, args => Construct(context, args));
        decoder.Accessor("encoding", _ => new JsString("utf-8"));
        decoder.Accessor("fatal", state => state.Fatal ? JsBoolean.True : JsBoolean.False);
        decoder.Accessor("ignoreBOM", state => state.IgnoreBom ? JsBoolean.True : JsBoolean.False);
        decoder.Method("decode", 0, (state, args) =>
        {
            var input = WebApiContext.Arg(args, 0);
            var bytes = ArraySegment<byte>.Empty;
            if (!input.IsUndefined() && !BufferSources.TryGetBytes(context, input, out bytes))
            {
                throw context.TypeError("Failed to execute 'decode' on 'TextDecoder': " +
                    "parameter 1 is not of type 'ArrayBuffer' or 'ArrayBufferView'.");
            }

            var stream = WebApiContext.Arg(args, 1) is ObjectInstance options
                && TypeConverter.ToBoolean(options.Get("stream"));
            try
            {
                return new JsString(state.Decode(bytes, stream));
            }
            catch (DecoderFallbackException)
            {
                state.Reset();
                throw context.TypeError("The encoded data was not valid for encoding utf-8");
            }
        });
        return decoder;
    }

    /// <summary>Encodes whole code points of <paramref name="text"/> while they fit (TextEncoder.encodeInto).</summary>
    internal static (int Read, int Written) EncodeInto(string text, Span<byte> destination)
    {
        var read = 0;
        var written = 0;
        // EnumerateRunes yields U+FFFD for a lone surrogate, which still counts one UTF-16 unit read.
        foreach (var rune in text.EnumerateRunes())
        {
            if (written + rune.Utf8SequenceLength > destination.Length)
            {
                break;
            }

            written += rune.EncodeToUtf8(destination[written..]);
            read += rune.Utf16SequenceLength;
        }

        return (read, written);
    }

    private static DecoderState Construct(WebApiContext context, JsValue[] args)
    {
        var labelArg = WebApiContext.Arg(args, 0);
        var label = labelArg.IsUndefined() ? "utf-8" : TypeConverter.ToString(labelArg);
        var normalized = label.Trim('\t', '\n', '\f', '\r', ' ').ToLowerInvariant();
        if (!Utf8Labels.Contains(normalized))
        {
            throw context.RangeError(OtherKnownLabels.Contains(normalized)
                ? $"The encoding '{label}' is not supported yet by Convex.Sim (only utf-8 is)"
                : $"The encoding label provided ('{label}') is invalid.");
        }

        var options = WebApiContext.Arg(args, 1);
        if (options is ObjectInstance dictionary)
        {
            return new DecoderState(
                TypeConverter.ToBoolean(dictionary.Get("fatal")), TypeConverter.ToBoolean(dictionary.Get("ignoreBOM")));
        }

        if (!(options.IsNull() || options.IsUndefined()))
        {
            throw context.TypeError(
                "Failed to construct 'TextDecoder': The provided value is not of type 'TextDecoderOptions'.");
        }

        return new DecoderState(false, false);
    }

    private sealed class EncoderState
    {
        public static readonly EncoderState Instance = new();
    }

    /// <summary>
    /// A decoder's stream: the .NET decoder holds the bytes of an incomplete sequence between
    /// <c>{ stream: true }</c> calls; <see cref="_bomSeen"/> is set once output began, after which
    /// a U+FEFF is content, not a BOM. A non-streaming call ends the stream and resets both.
    /// </summary>
    private sealed class DecoderState(bool fatal, bool ignoreBom)
    {
        private static readonly UTF8Encoding Replacing = new(false, throwOnInvalidBytes: false);
        private static readonly UTF8Encoding Throwing = new(false, throwOnInvalidBytes: true);
        private Decoder? _decoder;
        private bool _bomSeen;

        public bool Fatal => fatal;

        public bool IgnoreBom => ignoreBom;

        public string Decode(ArraySegment<byte> bytes, bool stream)
        {
            _decoder ??= (fatal ? Throwing : Replacing).GetDecoder();
            var flush = !stream;
            var chars = new char[_decoder.GetCharCount(bytes.Array ?? [], bytes.Offset, bytes.Count, flush)];
            var count = _decoder.GetChars(bytes.Array ?? [], bytes.Offset, bytes.Count, chars, 0, flush);
            var start = 0;
            if (!ignoreBom && !_bomSeen && count > 0)
            {
                _bomSeen = true;
                start = chars[0] == '\uFEFF' ? 1 : 0;
            }

            if (flush)
            {
                Reset();
            }

            return new string(chars, start, count - start);
        }

        public void Reset()
        {
            _decoder = null;
            _bomSeen = false;
        }
    }
}
