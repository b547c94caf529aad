using System.Security.Cryptography;
using System.Text;
using Acornima.Ast;
using Convex.Sim.Core;

namespace Convex.Sim.Functions.Library;

/// <summary>
/// A fingerprint of library code that survives re-bundling. esbuild renames identifiers per
/// bundle (minifyIdentifiers picks names by frequency over the whole chunk) and may lay code out
/// differently, so the fingerprint is taken over a canonical text: whitespace and comments
/// dropped, bound names replaced by their order of first appearance, and everything that decides
/// semantics kept verbatim (keywords, operators, literals, property names, free globals such as
/// <c>Object</c>).
/// <para>
/// The closure of a top-level function is the function plus every top-level declaration it
/// reaches, transitively, plus the top-level statements that touch those bindings (the loop that
/// fills the base64 tables, esbuild's <c>__name</c> calls). Two closures with the same canonical
/// text are the same program up to a consistent renaming, so they compute the same thing; that is
/// what lets a native implementation stand in for one.
/// </para>
/// </summary>
internal sealed class CanonicalCode
{
    private readonly string _source;
    private readonly Dictionary<string, Node> _topLevel = new(StringComparer.Ordinal);
    private readonly List<Statement> _statements = [];
    private readonly Dictionary<Statement, HashSet<string>> _references = [];

    public CanonicalCode(Module module, string source)
    {
        _source = source;
        foreach (var statement in module.Body)
        {
            AddTopLevel(statement);
        }
    }

    /// <summary>Top-level function declarations with their names, in source order.</summary>
    public IEnumerable<FunctionDeclaration> Functions => _topLevel.Values.OfType<FunctionDeclaration>().OrderBy(f => f.Start);

    /// <summary>The canonical text of the function alone (its references to other top-level names numbered, not followed).</summary>
    public string Local(FunctionDeclaration function) => Render([function], follow: false);

    /// <summary>The canonical text of the function's closure.</summary>
    public string Closure(FunctionDeclaration function) => Render([function], follow: true);

    public static string Hash(string canonical) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    private void AddTopLevel(Statement statement)
    {
        switch (statement)
        {
            case FunctionDeclaration { Id: { } id } function:
                _topLevel[id.Name] = function;
                break;
            case ClassDeclaration { Id: { } id } type:
                _topLevel[id.Name] = type;
                break;
            case VariableDeclaration declaration:
                foreach (var declarator in declaration.Declarations)
                {
                    foreach (var name in BoundNames(declarator.Id))
                    {
                        _topLevel[name] = declarator;
                    }
                }

                break;
            case ImportDeclaration import:
                foreach (var specifier in import.Specifiers)
                {
                    _topLevel[specifier.Local.Name] = specifier;
                }

                break;
            case ExportNamedDeclaration { Declaration: Statement inner }:
                AddTopLevel(inner);
                break;
            case ExportNamedDeclaration or ExportAllDeclaration or ExportDefaultDeclaration:
                break;
            default:
                _statements.Add(statement);
                break;
        }
    }

    private string Render(IReadOnlyList<Node> roots, bool follow)
    {
        var text = new StringBuilder();
        var globals = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<Node>(roots);
        var seen = new HashSet<Node>(roots);
        while (queue.Count > 0)
        {
            var member = queue.Dequeue();
            var reached = new List<string>();
            text.Append('«');
            RenderMember(member, text, globals, reached);
            text.Append('»');
            if (!follow)
            {
                continue;
            }

            foreach (var name in reached)
            {
                var declaration = _topLevel[name];
                Enqueue(declaration);
                if (declaration is ImportDeclarationSpecifier)
                {
                    continue; // esbuild's __name helper is called once per function: following it would take everything
                }

                foreach (var statement in _statements)
                {
                    if (References(statement).Contains(name))
                    {
                        Enqueue(statement);
                    }
                }
            }
        }

        return text.ToString();

        void Enqueue(Node node)
        {
            if (seen.Add(node))
            {
                queue.Enqueue(node);
            }
        }
    }

    private void RenderMember(Node member, StringBuilder text, Dictionary<string, string> globals, List<string> reached)
    {
        if (member is ImportDeclarationSpecifier)
        {
            // Another chunk (esbuild's __name helper): its file name and export alias are hashes.
            text.Append("import");
            return;
        }

        var locals = new Dictionary<string, string>(StringComparer.Ordinal);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        CollectDeclared(member, declared, isTopLevel: true);
        var spans = new List<(int Start, int End, string Text)>();
        Collect(member, spans, Name);
        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        var position = member.Start;
        foreach (var (start, end, replacement) in spans)
        {
            Invariant.Assert(start >= position, "canonical spans do not overlap");
            var space = AppendCode(text, position, start);
            Emit(text, replacement, space);
            position = end;
        }

        AppendCode(text, position, member.End);
        return;

        string Name(string name)
        {
            if (declared.Contains(name))
            {
                return Canonical(locals, name, "L");
            }

            if (!_topLevel.ContainsKey(name))
            {
                return name; // a free global such as Object or JSON: its identity matters
            }

            if (!globals.ContainsKey(name))
            {
                reached.Add(name);
            }

            return Canonical(globals, name, "G");
        }
    }

    private static string Canonical(Dictionary<string, string> map, string name, string prefix)
    {
        if (!map.TryGetValue(name, out var canonical))
        {
            canonical = prefix + map.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            map[name] = canonical;
        }

        return canonical;
    }

    private static void Emit(StringBuilder text, string code, bool space)
    {
        if (space && text.Length > 0 && code.Length > 0 && IsWordChar(text[^1]) && IsWordChar(code[0]))
        {
            text.Append(' ');
        }

        text.Append(code);
    }

    /// <summary>
    /// Code between two spans: comments dropped, whitespace kept only where it separates two words.
    /// Returns whether whitespace ends the range (the next span may need a separator).
    /// </summary>
    private bool AppendCode(StringBuilder text, int from, int to)
    {
        var i = from;
        var pendingSpace = false;
        while (i < to)
        {
            var c = _source[i];
            if (c == '/' && i + 1 < to && _source[i + 1] == '/')
            {
                while (i < to && _source[i] != '\n')
                {
                    i++;
                }

                pendingSpace = true;
                continue;
            }

            if (c == '/' && i + 1 < to && _source[i + 1] == '*')
            {
                var close = _source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 || close + 2 > to ? to : close + 2;
                pendingSpace = true;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                i++;
                continue;
            }

            if (pendingSpace && text.Length > 0 && IsWordChar(text[^1]) && IsWordChar(c))
            {
                text.Append(' ');
            }

            pendingSpace = false;
            text.Append(c);
            i++;
        }

        return pendingSpace;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    /// <summary>Spans that are replaced: identifiers (renamed or kept) and literals (verbatim).</summary>
    private void Collect(Node node, List<(int, int, string)> spans, Func<string, string> name)
    {
        switch (node)
        {
            case Identifier identifier:
                spans.Add((identifier.Start, identifier.End, name(identifier.Name)));
                return;
            case Literal or TemplateElement:
                spans.Add((node.Start, node.End, _source[node.Start..node.End]));
                return;
            case MemberExpression { Computed: false } member:
                Collect(member.Object, spans, name);
                Verbatim(member.Property, spans);
                return;
            case Property { Shorthand: true, Key: Identifier key } shorthand
                when (shorthand.Value is AssignmentPattern pattern ? pattern.Left : shorthand.Value) is Identifier value:
                // `{ a }` names the property "a": keep the name and rename the binding.
                spans.Add((key.Start, key.End, key.Name + ":" + name(value.Name)));
                if (shorthand.Value is AssignmentPattern withDefault)
                {
                    Collect(withDefault.Right, spans, name);
                }

                return;
            case Property { Computed: false } property:
                Verbatim(property.Key, spans);
                Collect(property.Value, spans, name);
                return;
            case ClassProperty { Computed: false } member:
                Verbatim(member.Key, spans);
                if (member.Value is { } memberValue)
                {
                    Collect(memberValue, spans, name);
                }

                return;
            case MetaProperty:
                spans.Add((node.Start, node.End, _source[node.Start..node.End]));
                return;
        }

        foreach (var child in node.ChildNodes)
        {
            Collect(child, spans, name);
        }
    }

    private void Verbatim(Node key, List<(int, int, string)> spans)
    {
        if (key is Identifier or Literal or PrivateIdentifier)
        {
            spans.Add((key.Start, key.End, _source[key.Start..key.End]));
        }
        else
        {
            Collect(key, spans, static n => n);
        }
    }

    private HashSet<string> References(Statement statement)
    {
        if (!_references.TryGetValue(statement, out var names))
        {
            names = new HashSet<string>(StringComparer.Ordinal);
            Collect(statement, [], n =>
            {
                names.Add(n);
                return n;
            });
            _references[statement] = names;
        }

        return names;
    }

    /// <summary>Names bound inside a member (parameters, locals, inner functions, catch parameters), not its own top-level name.</summary>
    private static void CollectDeclared(Node node, HashSet<string> declared, bool isTopLevel)
    {
        switch (node)
        {
            case FunctionDeclaration function:
                if (!isTopLevel && function.Id is { } id)
                {
                    declared.Add(id.Name);
                }

                AddParams(function.Params, declared);
                break;
            case FunctionExpression function:
                if (function.Id is { } expressionId)
                {
                    declared.Add(expressionId.Name);
                }

                AddParams(function.Params, declared);
                break;
            case ArrowFunctionExpression arrow:
                AddParams(arrow.Params, declared);
                break;
            case VariableDeclarator declarator when !isTopLevel:
                declared.UnionWith(BoundNames(declarator.Id));
                break;
            case ClassDeclaration { Id: { } classId } when !isTopLevel:
                declared.Add(classId.Name);
                break;
            case ClassExpression { Id: { } classExpressionId }:
                declared.Add(classExpressionId.Name);
                break;
            case CatchClause { Param: { } param }:
                declared.UnionWith(BoundNames(param));
                break;
        }

        foreach (var child in node.ChildNodes)
        {
            CollectDeclared(child, declared, isTopLevel: false);
        }
    }

    private static void AddParams(in NodeList<Node> parameters, HashSet<string> declared)
    {
        foreach (var parameter in parameters)
        {
            declared.UnionWith(BoundNames(parameter));
        }
    }

    private static IEnumerable<string> BoundNames(Node? pattern) => pattern switch
    {
        Identifier identifier => [identifier.Name],
        ArrayPattern array => array.Elements.SelectMany(BoundNames),
        ObjectPattern obj => obj.Properties.SelectMany(p => p switch
        {
            Property property => BoundNames(property.Value),
            RestElement rest => BoundNames(rest.Argument),
            _ => [],
        }),
        AssignmentPattern assignment => BoundNames(assignment.Left),
        RestElement rest => BoundNames(rest.Argument),
        _ => [],
    };
}
