using System.Text;
using Acornima.Ast;
using Convex.Sim.Core;

namespace Convex.Sim.Functions.Library;

/// <summary>
/// Finds the convex library's value-conversion functions in a pushed module (by the fingerprint
/// of their closure, see <see cref="KnownLibraryFunctions"/>) and produces the source the engines
/// run instead: each recognised function's body becomes a call to its native implementation on
/// the <c>Convex</c> global, passing the original body (moved, unchanged, to a new function at the
/// end of the module) as the fallback the native code hands anything unusual to.
/// <para>
/// Positions are kept: the new body keeps every line break of the old one and ends on the same
/// column, so the line and column of every other statement (and of errors thrown there) are
/// those of the pushed bundle. The pushed source itself is never changed.
/// </para>
/// </summary>
internal static class LibrarySubstitution
{
    /// <summary>Prefix of the fallback functions appended to a module; not a name esbuild emits.</summary>
    internal const string FallbackPrefix = "__convexSimInterpreted_";

    // ECMA-262 §12.3: \r\n counts once, and keeping both characters keeps it so.
    private static readonly char[] LineTerminators = ['\n', '\r', '\u2028', '\u2029'];

    /// <summary>The substituted source, or null when the module holds none of the known functions.</summary>
    public static string? Rewrite(Module module, string source)
    {
        var matches = Find(module, source);
        if (matches.Count == 0)
        {
            return null;
        }

        var result = new StringBuilder(source.Length + 1024);
        var appended = new StringBuilder();
        var position = 0;
        foreach (var (function, known) in matches.OrderBy(m => m.Function.Start))
        {
            var parameters = string.Join(", ", function.Params.Select(p => ((Identifier)p).Name));
            var fallback = FallbackPrefix + function.Id!.Name;
            var body = source[function.Body.Start..function.Body.End];
            var replacement = KeepPositions(
                $"{{ return Convex[\"{known.IntrinsicName}\"]({parameters}, {fallback}); ", body);
            if (replacement is null)
            {
                continue;
            }

            result.Append(source, position, function.Body.Start - position);
            result.Append(replacement);
            position = function.Body.End;
            appended.Append('\n').Append("function ").Append(fallback).Append('(').Append(parameters).Append(") ")
                .Append(SelfRecursive(function, source, fallback));
        }

        result.Append(source, position, source.Length - position);
        result.Append(appended).Append('\n');
        return result.ToString();
    }

    /// <summary>Whether <paramref name="source"/> may hold a known function (the cheap test before parsing for <see cref="Find"/>).</summary>
    public static bool MayContain(string source) =>
        KnownLibraryFunctions.All.Any(k => source.Contains(k.Marker, StringComparison.Ordinal));

    /// <summary>The known functions in <paramref name="module"/>, at most one of each kind.</summary>
    internal static List<(FunctionDeclaration Function, KnownLibraryFunction Known)> Find(Module module, string source)
    {
        var matches = new List<(FunctionDeclaration, KnownLibraryFunction)>();
        if (!MayContain(source))
        {
            return matches;
        }

        var code = new CanonicalCode(module, source);
        foreach (var function in code.Functions)
        {
            if (function.Async || function.Generator || !function.Params.All(p => p is Identifier))
            {
                continue;
            }

            var candidates = KnownLibraryFunctions.All.Where(k => k.ParameterCount == function.Params.Count
                && source.IndexOf(k.Marker, function.Start, function.End - function.Start, StringComparison.Ordinal) >= 0).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var local = CanonicalCode.Hash(code.Local(function));
            foreach (var known in candidates.Where(k => k.LocalHash == local))
            {
                if (CanonicalCode.Hash(code.Closure(function)) == known.ClosureHash
                    && matches.All(m => m.Item2.Kind != known.Kind))
                {
                    matches.Add((function, known));
                }
            }
        }

        return matches;
    }

    /// <summary>
    /// The function's body with its recursive calls renamed to <paramref name="fallback"/>: the
    /// interpreted copy recurses into itself, as the original did, not back into the native code.
    /// A cyclic or very deep value then fails in the library's own recursion, with its error.
    /// (The fingerprint guarantees the body does not shadow the function's name.)
    /// </summary>
    private static string SelfRecursive(FunctionDeclaration function, string source, string fallback)
    {
        var name = function.Id!.Name;
        var spans = new List<(int Start, int End, string Text)>();
        Walk(function.Body);
        var text = new StringBuilder();
        var position = function.Body.Start;
        foreach (var (start, end, replacement) in spans.OrderBy(s => s.Start))
        {
            text.Append(source, position, start - position).Append(replacement);
            position = end;
        }

        return text.Append(source, position, function.Body.End - position).ToString();

        void Walk(Node node)
        {
            switch (node)
            {
                case Identifier identifier when identifier.Name == name:
                    spans.Add((identifier.Start, identifier.End, fallback));
                    return;
                case MemberExpression { Computed: false } member:
                    Walk(member.Object);
                    return;
                case Property { Shorthand: true, Key: Identifier { Name: var key } } shorthand when key == name:
                    spans.Add((shorthand.Key.Start, shorthand.Key.End, $"{name}: {fallback}"));
                    return;
                case Property { Computed: false, Shorthand: false } property:
                    Walk(property.Value);
                    return;
                case ClassProperty { Computed: false } member:
                    if (member.Value is { } value)
                    {
                        Walk(value);
                    }

                    return;
            }

            foreach (var child in node.ChildNodes)
            {
                Walk(child);
            }
        }
    }

    /// <summary>
    /// <paramref name="replacement"/> laid out over the lines of <paramref name="body"/>: its line breaks,
    /// then spaces up to the column of the closing brace.
    /// </summary>
    private static string? KeepPositions(string replacement, string body)
    {
        Invariant.Assert(body.StartsWith('{'));
        Invariant.Assert(body.EndsWith('}'));
        var lastBreak = body.LastIndexOfAny(LineTerminators);
        var text = new StringBuilder(replacement);
        if (lastBreak < 0)
        {
            // A one-line body: the replacement must not be longer, or what follows would move.
            return replacement.Length + 1 <= body.Length
                ? text.Append(' ', body.Length - replacement.Length - 1).Append('}').ToString()
                : null;
        }

        foreach (var c in body)
        {
            if (Array.IndexOf(LineTerminators, c) >= 0)
            {
                text.Append(c);
            }
        }

        var lastLine = body.Length - lastBreak - 2; // characters between the last break and the closing brace
        text.Append(' ', lastLine).Append('}');
        return text.ToString();
    }
}
