using System.Text;
using Convex.Sim.Core;

namespace Convex.Sim.Functions.WebApis;

/// <summary>The host, file, path, query and fragment states of the basic URL parser (WHATWG URL §4.4).</summary>
internal sealed partial class UrlParser
{
    private Outcome Host(int c)
    {
        if (_override is not null && _url.Scheme == "file")
        {
            _pointer--;
            _state = UrlState.FileHost;
            return Outcome.Continue;
        }

        if (c == ':' && !_insideBrackets)
        {
            if (_buffer.Count == 0 || _override == UrlState.Hostname)
            {
                return Outcome.Failure;
            }

            if (UrlHost.Parse(BufferText(), !_url.IsSpecial) is not { } host)
            {
                return Outcome.Failure;
            }

            _url.Host = host;
            _buffer.Clear();
            _state = UrlState.Port;
            return Outcome.Continue;
        }

        if (c is Eof or '/' or '?' or '#' || (_url.IsSpecial && c == '\\'))
        {
            _pointer--;
            if (_url.IsSpecial && _buffer.Count == 0)
            {
                return Outcome.Failure;
            }

            if (_override is not null && _buffer.Count == 0 && (_url.HasCredentials || _url.Port is not null))
            {
                return Outcome.Failure;
            }

            if (UrlHost.Parse(BufferText(), !_url.IsSpecial) is not { } host)
            {
                return Outcome.Failure;
            }

            _url.Host = host;
            _buffer.Clear();
            _state = UrlState.PathStart;
            return _override is null ? Outcome.Continue : Outcome.Success;
        }

        _insideBrackets = c == '[' || (_insideBrackets && c != ']');
        _buffer.Add(c);
        return Outcome.Continue;
    }

    private Outcome File(int c)
    {
        _url.Scheme = "file";
        _url.Host = "";
        if (c is '/' or '\\')
        {
            _state = UrlState.FileSlash;
            return Outcome.Continue;
        }

        if (_base is not { Scheme: "file" })
        {
            _state = UrlState.Path;
            _pointer--;
            return Outcome.Continue;
        }

        _url.Host = _base.Host;
        _url.Path = [.. _base.Path];
        _url.Query = _base.Query;
        if (!EnterQueryOrFragment(c) && c != Eof)
        {
            _url.Query = null;
            if (StartsWithWindowsDriveLetter(_pointer))
            {
                _url.Path = [];
            }
            else
            {
                _url.ShortenPath();
            }

            _state = UrlState.Path;
            _pointer--;
        }

        return Outcome.Continue;
    }

    private Outcome FileSlash(int c)
    {
        if (c is '/' or '\\')
        {
            _state = UrlState.FileHost;
            return Outcome.Continue;
        }

        if (_base is { Scheme: "file" })
        {
            _url.Host = _base.Host;
            if (!StartsWithWindowsDriveLetter(_pointer) && _base.Path.Count > 0
                && IsNormalizedWindowsDriveLetter(_base.Path[0]))
            {
                _url.Path.Add(_base.Path[0]);
            }
        }

        _state = UrlState.Path;
        _pointer--;
        return Outcome.Continue;
    }

    private Outcome FileHost(int c)
    {
        if (c is not (Eof or '/' or '\\' or '?' or '#'))
        {
            _buffer.Add(c);
            return Outcome.Continue;
        }

        _pointer--;
        var text = BufferText();
        if (_override is null && IsWindowsDriveLetter(text))
        {
            // "file://C:/x": the drive letter is the first path segment; the buffer carries over.
            _state = UrlState.Path;
            return Outcome.Continue;
        }

        if (text.Length == 0)
        {
            _url.Host = "";
        }
        else
        {
            if (UrlHost.Parse(text, !_url.IsSpecial) is not { } host)
            {
                return Outcome.Failure;
            }

            _url.Host = host == "localhost" ? "" : host;
            _buffer.Clear();
        }

        if (_override is not null)
        {
            return Outcome.Success;
        }

        _state = UrlState.PathStart;
        return Outcome.Continue;
    }

    private Outcome PathStart(int c)
    {
        if (_url.IsSpecial)
        {
            _state = UrlState.Path;
            if (c is not ('/' or '\\'))
            {
                _pointer--;
            }
        }
        else if (_override is null && c == '?')
        {
            _url.Query = "";
            _state = UrlState.Query;
        }
        else if (_override is null && c == '#')
        {
            _url.Fragment = "";
            _state = UrlState.Fragment;
        }
        else if (c != Eof)
        {
            _state = UrlState.Path;
            if (c != '/')
            {
                _pointer--;
            }
        }
        else if (_override is not null && _url.Host is null)
        {
            _url.Path.Add("");
        }

        return Outcome.Continue;
    }

    private Outcome Path(int c)
    {
        var slash = c == '/' || (_url.IsSpecial && c == '\\');
        if (!(c == Eof || slash || (_override is null && c is '?' or '#')))
        {
            var encoded = new StringBuilder(3);
            UrlEncoding.Append(encoded, c, PercentEncodeSet.Path);
            foreach (var ch in encoded.ToString())
            {
                _buffer.Add(ch);
            }

            return Outcome.Continue;
        }

        var segment = BufferText();
        if (IsDoubleDotSegment(segment))
        {
            _url.ShortenPath();
            if (!slash)
            {
                _url.Path.Add("");
            }
        }
        else if (IsSingleDotSegment(segment))
        {
            if (!slash)
            {
                _url.Path.Add("");
            }
        }
        else
        {
            if (_url.Scheme == "file" && _url.Path.Count == 0 && IsWindowsDriveLetter(segment))
            {
                segment = segment[0] + ":";
            }

            _url.Path.Add(segment);
        }

        _buffer.Clear();
        EnterQueryOrFragment(c);
        return Outcome.Continue;
    }

    // The last three states consume a whole run of input at once: data: URLs and long query
    // strings would otherwise be rebuilt once per code point.
    private Outcome OpaquePath(int c)
    {
        if (!EnterQueryOrFragment(c) && c != Eof)
        {
            _url.OpaquePath = Consume(_url.OpaquePath, PercentEncodeSet.C0Control, stopAtQuery: true);
        }

        return Outcome.Continue;
    }

    private Outcome Query(int c)
    {
        if (c == '#' && _override is null)
        {
            _url.Fragment = "";
            _state = UrlState.Fragment;
        }
        else if (c != Eof)
        {
            Invariant.Assert(_url.Query is not null);
            var set = _url.IsSpecial ? PercentEncodeSet.SpecialQuery : PercentEncodeSet.Query;
            _url.Query = Consume(_url.Query, set, stopAtQuery: false);
        }

        return Outcome.Continue;
    }

    private Outcome Fragment(int c)
    {
        if (c != Eof)
        {
            Invariant.Assert(_url.Fragment is not null);
            _url.Fragment = Consume(_url.Fragment, PercentEncodeSet.Fragment, stopAtQuery: false);
        }

        return Outcome.Continue;
    }

    /// <summary>
    /// Percent-encodes input from the pointer up to the state's terminator ('#' unless a setter
    /// parses, plus '?' for an opaque path), leaving the pointer on the last code point consumed.
    /// </summary>
    private string Consume(string? prefix, PercentEncodeSet set, bool stopAtQuery)
    {
        var output = new StringBuilder(prefix);
        var end = _pointer;
        while (end < _input.Length)
        {
            var c = _input[end];
            if ((_state != UrlState.Fragment && c == '#' && _override is null) || (stopAtQuery && c == '?'))
            {
                break;
            }

            UrlEncoding.Append(output, c, set);
            end++;
        }

        Invariant.Assert(end > _pointer);
        _pointer = end - 1;
        return output.ToString();
    }

    /// <summary>"Starts with a Windows drive letter" (§4.2), reading from <paramref name="index"/>.</summary>
    private bool StartsWithWindowsDriveLetter(int index)
    {
        if (At(index) is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z')) || At(index + 1) is not (':' or '|'))
        {
            return false;
        }

        return At(index + 2) is Eof or '/' or '\\' or '?' or '#';
    }

    private static bool IsSingleDotSegment(string segment) =>
        segment == "." || segment.Equals("%2e", StringComparison.OrdinalIgnoreCase);

    private static bool IsDoubleDotSegment(string segment) =>
        segment switch
        {
            ".." => true,
            _ when segment.Length == 4 => segment.Equals(".%2e", StringComparison.OrdinalIgnoreCase)
                || segment.Equals("%2e.", StringComparison.OrdinalIgnoreCase),
            _ => segment.Equals("%2e%2e", StringComparison.OrdinalIgnoreCase),
        };
}
