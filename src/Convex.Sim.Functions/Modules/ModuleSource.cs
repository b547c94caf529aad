namespace Convex.Sim.Functions.Modules;

/// <summary>
/// One pushed JavaScript module: its path relative to the functions directory (with <c>/</c>,
/// ending in <c>.js</c>, e.g. <c>messages.js</c> or <c>_deps/ABCD1234.js</c>) and its source text.
/// </summary>
public sealed record ModuleSource(string Path, string Source);
