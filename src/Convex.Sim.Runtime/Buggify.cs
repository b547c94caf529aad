using System.Runtime.CompilerServices;
using Convex.Sim.Core;

namespace Convex.Sim.Runtime;

/// <summary>
/// FoundationDB-style BUGGIFY: code marks places where a rare but legal behaviour can be forced
/// (a short read, an extra delay, a spurious retry). In a simulated run, each call site is enabled
/// for the whole seed with probability <see cref="SiteEnabledPercent"/>, and an enabled site fires
/// on <see cref="FirePercent"/> of its calls. In production it never fires.
/// </summary>
public sealed class Buggify
{
    public const int SiteEnabledPercent = 25;
    public const int FirePercent = 25;

    private readonly IRandom? _random;
    private readonly SortedDictionary<string, bool> _sites = new(StringComparer.Ordinal);

    private Buggify(IRandom? random) => _random = random;

    /// <summary>Never fires (production).</summary>
    public static Buggify Disabled { get; } = new(null);

    /// <summary>Fires at enabled sites, decided by <paramref name="random"/> (simulation).</summary>
    public static Buggify Enabled(IRandom random) => new(random);

    public bool IsEnabled => _random is not null;

    /// <summary>Whether the call site fires now. Site identity is file and line.</summary>
    public bool Fires([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (_random is null)
        {
            return false;
        }

        var site = $"{Path.GetFileName(file)}:{line}";
        if (!_sites.TryGetValue(site, out var enabled))
        {
            enabled = _random.Chance(SiteEnabledPercent, 100);
            _sites[site] = enabled;
        }

        return enabled && _random.Chance(FirePercent, 100);
    }

    /// <summary>The sites seen so far and whether each is enabled (sorted by site).</summary>
    public IReadOnlyList<(string Site, bool Enabled)> Sites =>
        _sites.Select(kv => (kv.Key, kv.Value)).ToList();
}
