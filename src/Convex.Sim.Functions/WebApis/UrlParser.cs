using System.Globalization;
using System.Text;
using Convex.Sim.Core;

namespace Convex.Sim.Functions.WebApis;

/// <summary>The states of the basic URL parser (WHATWG URL §4.4); setters start in some of them.</summary>
internal enum UrlState
{
    SchemeStart,
    Scheme,
    NoScheme,
    SpecialRelativeOrAuthority,
    PathOrAuthority,
    Relative,
    RelativeSlash,
    SpecialAuthoritySlashes,
    SpecialAuthorityIgnoreSlashes,
    Authority,
    Host,
    Hostname,
    Port,
    File,
    FileSlash,
    FileHost,
    PathStart,
    Path,
    OpaquePath,
    Query,
    Fragment,
}

/// <summary>
/// The basic URL parser (WHATWG URL §4.4), state for state. <see cref="System.Uri"/> is not
/// used: it disagrees with WHATWG on dot segments, backslashes, IPv4 spellings, default ports and
/// non-special schemes. The input is processed as code points (lone surrogates become U+FFFD,
/// the USVString conversion). Validation errors that are not failures are not reported.
/// With a state override (the URL setters) the parser edits the given record in place and may
/// stop early, exactly as the spec's "return" steps do.
/// </summary>
internal sealed partial class UrlParser
{
    private const int Eof = -1;
    private readonly int[] _input;
    private readonly UrlRecord? _base;
    private readonly UrlState? _override;
    private readonly UrlRecord _url;
    private readonly List<int> _buffer = [];
    private UrlState _state;
    private int _pointer;
    private bool _atSignSeen;
    private bool _insideBrackets;
    private bool _passwordTokenSeen;

    private UrlParser(string input, UrlRecord? baseUrl, UrlRecord url, UrlState? stateOverride)
    {
        _input = [.. input.EnumerateRunes().Select(r => r.Value).Where(c => c is not ('\t' or '\n' or '\r'))];
        _base = baseUrl;
        _url = url;
        _override = stateOverride;
        _state = stateOverride ?? UrlState.SchemeStart;
    }

    /// <summary>Parses <paramref name="input"/> against <paramref name="baseUrl"/>; null on failure.</summary>
    public static UrlRecord? Parse(string input, UrlRecord? baseUrl)
    {
        // Leading and trailing C0 controls and spaces are stripped only when parsing from scratch.
        var trimmed = input.Trim(Enumerable.Range(0, 0x21).Select(c => (char)c).ToArray());
        var url = new UrlRecord();
        if (new UrlParser(trimmed, baseUrl, url, null).Run() == Outcome.Failure)
        {
            return null;
        }

        Invariant.Assert(url.Scheme.Length > 0);
        if (url.IsSpecial && url.Scheme != "file")
        {
            Invariant.Assert(url.Host is { Length: > 0 });
        }

        return url;
    }

    /// <summary>Runs a setter's parse: edits <paramref name="url"/> starting in <paramref name="state"/>.</summary>
    public static void ParseInto(string input, UrlRecord url, UrlState state) =>
        new UrlParser(input, null, url, state).Run();

    internal static bool IsWindowsDriveLetter(string text) =>
        text.Length == 2 && char.IsAsciiLetter(text[0]) && text[1] is ':' or '|';

    internal static bool IsNormalizedWindowsDriveLetter(string text) =>
        text.Length == 2 && char.IsAsciiLetter(text[0]) && text[1] == ':';

    private enum Outcome
    {
        Continue,
        Success,
        Failure,
    }

    private int C => At(_pointer);

    private int At(int index) => index >= 0 && index < _input.Length ? _input[index] : Eof;

    private bool RemainingStartsWith(char c) => At(_pointer + 1) == c;

    private string BufferText()
    {
        var text = new StringBuilder(_buffer.Count);
        foreach (var c in _buffer)
        {
            text.Append(char.ConvertFromUtf32(c));
        }

        return text.ToString();
    }

    private Outcome Run()
    {
        for (; ; _pointer++)
        {
            Invariant.Assert(_pointer >= 0 && _pointer <= _input.Length);
            var outcome = Step(C);
            if (outcome != Outcome.Continue)
            {
                return outcome;
            }

            // "If after a run pointer points to the EOF code point, go to the next step."
            if (_pointer >= _input.Length)
            {
                return Outcome.Success;
            }
        }
    }

    private Outcome Step(int c) => _state switch
    {
        UrlState.SchemeStart => SchemeStart(c),
        UrlState.Scheme => Scheme(c),
        UrlState.NoScheme => NoScheme(c),
        UrlState.SpecialRelativeOrAuthority => SpecialRelativeOrAuthority(c),
        UrlState.PathOrAuthority => PathOrAuthority(c),
        UrlState.Relative => Relative(c),
        UrlState.RelativeSlash => RelativeSlash(c),
        UrlState.SpecialAuthoritySlashes => SpecialAuthoritySlashes(c),
        UrlState.SpecialAuthorityIgnoreSlashes => SpecialAuthorityIgnoreSlashes(c),
        UrlState.Authority => Authority(c),
        UrlState.Host or UrlState.Hostname => Host(c),
        UrlState.Port => Port(c),
        UrlState.File => File(c),
        UrlState.FileSlash => FileSlash(c),
        UrlState.FileHost => FileHost(c),
        UrlState.PathStart => PathStart(c),
        UrlState.Path => Path(c),
        UrlState.OpaquePath => OpaquePath(c),
        UrlState.Query => Query(c),
        UrlState.Fragment => Fragment(c),
    };
}
