using Convex.Sim.Functions.Library;
using Jint;
using Jint.Runtime.Modules;

namespace Convex.Sim.Functions.Modules;

/// <summary>
/// Serves a <see cref="ModuleSet"/> to one engine: resolves <c>convex:/</c> and relative
/// specifiers and builds modules from the shared prepared ASTs. Nothing is read from disk.
/// </summary>
internal sealed class ModuleLoader(ModuleSet modules, ValueConversion conversion) : IModuleLoader
{
    public ResolvedSpecifier Resolve(string? referencingModuleLocation, ModuleRequest moduleRequest)
    {
        var path = ModulePath.Resolve(referencingModuleLocation, moduleRequest.Specifier);
        return new ResolvedSpecifier(moduleRequest, ModulePath.ToSpecifier(path), null, SpecifierType.RelativeOrAbsolute);
    }

    public Module LoadModule(Engine engine, ResolvedSpecifier resolved)
    {
        var prepared = modules.Prepared(ModulePath.FromSpecifier(resolved.Key), conversion);
        return ModuleFactory.BuildSourceTextModule(engine, prepared);
    }
}
