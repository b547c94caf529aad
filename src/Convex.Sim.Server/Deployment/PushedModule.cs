using System.Security.Cryptography;
using System.Text;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Server.Deployment;

/// <summary>Where a pushed module runs: Convex's isolate, or Node.js (<c>"use node"</c>, not supported yet).</summary>
internal enum ModuleEnvironment
{
    Isolate,
    Node,
}

/// <summary>
/// A module as the CLI pushes it (convex-compat §6.6.1 ModuleConfig): the runner only needs path and
/// source, but the source map and environment are kept so that <c>get_config_hashes</c> can report
/// the same hash the CLI computes, and unchanged modules need not be uploaded again.
/// </summary>
internal sealed record PushedModule(string Path, string Source, string? SourceMap, ModuleEnvironment Environment)
{
    /// <summary>Hex SHA-256 of the source followed by the source map: the CLI's <c>hash(bundle)</c>.</summary>
    public string Sha256 { get; } = Hash(Source, SourceMap);

    public ModuleSource ToModuleSource() => new(Path, Source);

    public static string EnvironmentName(ModuleEnvironment environment) => environment switch
    {
        ModuleEnvironment.Isolate => "isolate",
        ModuleEnvironment.Node => "node",
    };

    public static ModuleEnvironment? ParseEnvironment(string? name) => name switch
    {
        "isolate" => ModuleEnvironment.Isolate,
        "node" => ModuleEnvironment.Node,
        _ => null,
    };

    private static string Hash(string source, string? sourceMap)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(source));
        sha.AppendData(Encoding.UTF8.GetBytes(sourceMap ?? ""));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

/// <summary>The modules and the schema module of one deployment, as pushed.</summary>
internal sealed record PushedApp(IReadOnlyList<PushedModule> Modules, PushedModule? Schema)
{
    public static PushedApp Empty { get; } = new([], null);

    public PushedModule? Find(string path) => Modules.FirstOrDefault(m => m.Path == path);
}
