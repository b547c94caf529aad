using Convex.Sim.Functions.Library;
using Convex.Sim.Testing.Corpus;

namespace Convex.Sim.Functions.Tests.Library;

/// <summary>Recognising the library's value conversion in a bundle, and what the substituted source looks like.</summary>
public sealed class LibrarySubstitutionTests
{
    private static (string Path, string Source) LibraryChunk()
    {
        var (_, chunk) = ConversionProbe.Modules();
        return (chunk, CorpusBundle.Modules.Single(m => m.Path == chunk).Source);
    }

    private static List<(Acornima.Ast.FunctionDeclaration Function, KnownLibraryFunction Known)> Find(string source) =>
        LibrarySubstitution.Find(Jint.Engine.PrepareModule(source).Program!, source);

    [Fact]
    public void Both_functions_of_the_pinned_version_are_found_and_nothing_in_user_modules()
    {
        var (path, source) = LibraryChunk();
        var found = Find(source);
        Assert.Equal(
            [NativeFunctionKind.ConvexToJsonInternal, NativeFunctionKind.JsonToConvex],
            found.Select(f => f.Known.Kind).Order());
        Assert.All(found, f => Assert.Equal("1.48.0", f.Known.LibraryVersion));
        foreach (var module in CorpusBundle.Modules.Where(m => m.Path != path))
        {
            Assert.False(CorpusBundle.ModuleSet.IsSubstituted(module.Path), module.Path);
        }
    }

    [Fact]
    public void Layout_and_comments_do_not_change_the_fingerprint()
    {
        var (_, source) = LibraryChunk();
        var relaid = source.Replace("\n  ", "\n\t \t", StringComparison.Ordinal)
            .Replace("r?.constructor?.name", "r /* a comment */ ?.constructor?.name", StringComparison.Ordinal);
        Assert.NotEqual(source, relaid);
        Assert.Equal(2, Find(relaid).Count);
    }

    [Theory]
    [InlineData("exceeds maximum field name length", "exceeds the maximum field name length")] // validateObjectField
    [InlineData("[95] = 63;", "[95] = 62;")] // the base64 table filled at the top level
    [InlineData("BigInt(\"-9223372036854775808\")", "BigInt(\"-9223372036854775807\")")] // a var the closure reaches
    public void A_different_library_version_is_not_recognised(string from, string to)
    {
        var (_, source) = LibraryChunk();
        Assert.Contains(from, source, StringComparison.Ordinal);
        var changed = source.Replace(from, to, StringComparison.Ordinal);
        Assert.DoesNotContain(Find(changed), f => f.Known.Kind == NativeFunctionKind.ConvexToJsonInternal);
    }

    [Fact]
    public void An_unrecognised_version_runs_interpreted_with_the_same_results()
    {
        static string Change(string source) =>
            source.Replace("exceeds maximum field name length", "exceeds the maximum field name length", StringComparison.Ordinal);
        var changed = new ConversionProbe(ValueConversion.Native, Change);
        Assert.False(changed.Worker.Modules.IsSubstituted(changed.ChunkPath));
        const string doc = """["obj", [["b", ["num", "-0"]], ["a", ["big", "7"]]]]""";
        Assert.Equal("""{"a":{"$integer":"BwAAAAAAAAA="},"b":{"$float":"AAAAAAAAAIA="}}""", changed.Run("toJson", doc));
        Assert.StartsWith("throws Error: Field name " + new string('x', 1025) + " exceeds the maximum",
            changed.Run("toJson", $"[\"obj\", [[\"{new string('x', 1025)}\", [\"null\"]]]]"), StringComparison.Ordinal);
        Assert.Equal(0, changed.Worker.NativeConversion.NativeCalls);
        Assert.Equal(0, changed.Worker.NativeConversion.Fallbacks);

        var recognised = new ConversionProbe(ValueConversion.Native);
        Assert.Equal("""{"a":{"$integer":"BwAAAAAAAAA="},"b":{"$float":"AAAAAAAAAIA="}}""", recognised.Run("toJson", doc));
        Assert.Equal(1, recognised.Worker.NativeConversion.NativeCalls);
    }

    [Fact]
    public void The_substituted_source_keeps_every_other_statement_where_it_was()
    {
        var (_, source) = LibraryChunk();
        var rewritten = LibrarySubstitution.Rewrite(Jint.Engine.PrepareModule(source).Program!, source);
        Assert.NotNull(rewritten);
        Assert.Contains("return Convex[\"convexSim:convexToJsonInternal\"](", rewritten, StringComparison.Ordinal);
        Assert.Contains("return Convex[\"convexSim:jsonToConvex\"](", rewritten, StringComparison.Ordinal);
        var before = Jint.Engine.PrepareModule(source).Program!.Body;
        var after = Jint.Engine.PrepareModule(rewritten).Program!.Body;
        Assert.Equal(before.Count + 2, after.Count); // the two interpreted copies, appended
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i].Location.Start, after[i].Location.Start);
            Assert.Equal(before[i].Location.End, after[i].Location.End);
        }

        // The copies recurse into themselves, not back into the native code.
        var copy = rewritten[rewritten.IndexOf("function " + LibrarySubstitution.FallbackPrefix, StringComparison.Ordinal)..];
        Assert.DoesNotContain("Convex[", copy, StringComparison.Ordinal);
    }
}
