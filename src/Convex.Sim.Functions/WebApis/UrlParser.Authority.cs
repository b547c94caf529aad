using System.Globalization;
using System.Text;
using Convex.Sim.Core;

namespace Convex.Sim.Functions.WebApis;

/// <summary>The scheme, relative, authority and port states of the basic URL parser (WHATWG URL §4.4).</summary>
internal sealed partial class UrlParser
{
    private Outcome SchemeStart(int c)
    {
        if (c < 0x80 && char.IsAsciiLetter((char)c))
        {
            _buffer.Add(char.ToLowerInvariant((char)c));
            _state = UrlState.Scheme;
        }
        else if (_override is null)
        {
            _state = UrlState.NoScheme;
            _pointer--;
        }
        else
        {
            return Outcome.Failure;
        }

        return Outcome.Continue;
    }

    private Outcome Scheme(int c)
    {
        if (c < 0x80 && c != Eof && (char.IsAsciiLetterOrDigit((char)c) || c is '+' or '-' or '.'))
        {
            _buffer.Add(char.ToLowerInvariant((char)c));
            return Outcome.Continue;
        }

        if (c != ':')
        {
            if (_override is not null)
            {
                return Outcome.Failure;
            }

            // Not a scheme after all: start over, reading the input as relative.
            _buffer.Clear();
            _state = UrlState.NoScheme;
            _pointer = -1;
            return Outcome.Continue;
        }

        var scheme = BufferText();
        if (_override is not null && !CanChangeSchemeTo(scheme))
        {
            return Outcome.Success;
        }

        _url.Scheme = scheme;
        if (_override is not null)
        {
            if (_url.Port == UrlRecord.DefaultPort(scheme))
            {
                _url.Port = null;
            }

            return Outcome.Success;
        }

        _buffer.Clear();
        if (scheme == "file")
        {
            _state = UrlState.File;
        }
        else if (_url.IsSpecial && _base is not null && _base.Scheme == scheme)
        {
            Invariant.Assert(_base.IsSpecial);
            _state = UrlState.SpecialRelativeOrAuthority;
        }
        else if (_url.IsSpecial)
        {
            _state = UrlState.SpecialAuthoritySlashes;
        }
        else if (RemainingStartsWith('/'))
        {
            _state = UrlState.PathOrAuthority;
            _pointer++;
        }
        else
        {
            _url.OpaquePath = "";
            _state = UrlState.OpaquePath;
        }

        return Outcome.Continue;
    }

    /// <summary>The protocol setter may not move a URL between special and non-special schemes.</summary>
    private bool CanChangeSchemeTo(string scheme)
    {
        if (_url.IsSpecial != UrlRecord.IsSpecialScheme(scheme))
        {
            return false;
        }

        if ((_url.HasCredentials || _url.Port is not null) && scheme == "file")
        {
            return false;
        }

        return !(_url.Scheme == "file" && _url.Host == "");
    }

    private Outcome NoScheme(int c)
    {
        if (_base is null || (_base.HasOpaquePath && c != '#'))
        {
            return Outcome.Failure;
        }

        if (_base.HasOpaquePath)
        {
            _url.Scheme = _base.Scheme;
            _url.OpaquePath = _base.OpaquePath;
            _url.Query = _base.Query;
            _url.Fragment = "";
            _state = UrlState.Fragment;
        }
        else
        {
            _state = _base.Scheme == "file" ? UrlState.File : UrlState.Relative;
            _pointer--;
        }

        return Outcome.Continue;
    }

    private Outcome SpecialRelativeOrAuthority(int c)
    {
        if (c == '/' && RemainingStartsWith('/'))
        {
            _state = UrlState.SpecialAuthorityIgnoreSlashes;
            _pointer++;
        }
        else
        {
            _state = UrlState.Relative;
            _pointer--;
        }

        return Outcome.Continue;
    }

    private Outcome PathOrAuthority(int c)
    {
        if (c == '/')
        {
            _state = UrlState.Authority;
        }
        else
        {
            _state = UrlState.Path;
            _pointer--;
        }

        return Outcome.Continue;
    }

    private Outcome Relative(int c)
    {
        Invariant.Assert(_base is not null && _base.Scheme != "file");
        _url.Scheme = _base!.Scheme;
        if (c == '/' || (_url.IsSpecial && c == '\\'))
        {
            _state = UrlState.RelativeSlash;
            return Outcome.Continue;
        }

        _url.Username = _base.Username;
        _url.Password = _base.Password;
        _url.Host = _base.Host;
        _url.Port = _base.Port;
        _url.Path = [.. _base.Path];
        _url.Query = _base.Query;
        if (!EnterQueryOrFragment(c) && c != Eof)
        {
            _url.Query = null;
            _url.ShortenPath();
            _state = UrlState.Path;
            _pointer--;
        }

        return Outcome.Continue;
    }

    /// <summary>A '?' starts the query and a '#' the fragment; true if <paramref name="c"/> was one of them.</summary>
    private bool EnterQueryOrFragment(int c)
    {
        switch (c)
        {
            case '?':
                _url.Query = "";
                _state = UrlState.Query;
                return true;
            case '#':
                _url.Fragment = "";
                _state = UrlState.Fragment;
                return true;
            default:
                return false;
        }
    }

    private Outcome RelativeSlash(int c)
    {
        if (_url.IsSpecial && c is '/' or '\\')
        {
            _state = UrlState.SpecialAuthorityIgnoreSlashes;
        }
        else if (c == '/')
        {
            _state = UrlState.Authority;
        }
        else
        {
            _url.Username = _base!.Username;
            _url.Password = _base.Password;
            _url.Host = _base.Host;
            _url.Port = _base.Port;
            _state = UrlState.Path;
            _pointer--;
        }

        return Outcome.Continue;
    }

    private Outcome SpecialAuthoritySlashes(int c)
    {
        _state = UrlState.SpecialAuthorityIgnoreSlashes;
        if (c == '/' && RemainingStartsWith('/'))
        {
            _pointer++;
        }
        else
        {
            _pointer--;
        }

        return Outcome.Continue;
    }

    private Outcome SpecialAuthorityIgnoreSlashes(int c)
    {
        if (c is not ('/' or '\\'))
        {
            _state = UrlState.Authority;
            _pointer--;
        }

        return Outcome.Continue;
    }

    private Outcome Authority(int c)
    {
        if (c == '@')
        {
            if (_atSignSeen)
            {
                _buffer.InsertRange(0, "%40".Select(ch => (int)ch));
            }

            _atSignSeen = true;
            AppendCredentials();
            _buffer.Clear();
        }
        else if (c is Eof or '/' or '?' or '#' || (_url.IsSpecial && c == '\\'))
        {
            if (_atSignSeen && _buffer.Count == 0)
            {
                return Outcome.Failure;
            }

            _pointer -= _buffer.Count + 1;
            _buffer.Clear();
            _state = UrlState.Host;
        }
        else
        {
            _buffer.Add(c);
        }

        return Outcome.Continue;
    }

    private void AppendCredentials()
    {
        var username = new StringBuilder(_url.Username);
        var password = new StringBuilder(_url.Password);
        foreach (var codePoint in _buffer)
        {
            if (codePoint == ':' && !_passwordTokenSeen)
            {
                _passwordTokenSeen = true;
                continue;
            }

            UrlEncoding.Append(_passwordTokenSeen ? password : username, codePoint, PercentEncodeSet.Userinfo);
        }

        _url.Username = username.ToString();
        _url.Password = password.ToString();
    }

    private Outcome Port(int c)
    {
        if (c is >= '0' and <= '9')
        {
            _buffer.Add(c);
            return Outcome.Continue;
        }

        if (c is Eof or '/' or '?' or '#' || (_url.IsSpecial && c == '\\') || _override is not null)
        {
            if (_buffer.Count > 0)
            {
                var digits = BufferText().TrimStart('0');
                if (digits.Length > 5 || !int.TryParse(digits.Length == 0 ? "0" : digits, NumberStyles.None,
                        CultureInfo.InvariantCulture, out var port) || port > 65535)
                {
                    return Outcome.Failure;
                }

                _url.Port = port == UrlRecord.DefaultPort(_url.Scheme) ? null : port;
                _buffer.Clear();
                if (_override is not null)
                {
                    return Outcome.Success;
                }
            }

            if (_override is not null)
            {
                return Outcome.Failure;
            }

            _state = UrlState.PathStart;
            _pointer--;
            return Outcome.Continue;
        }

        return Outcome.Failure;
    }
}
