namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// A host that gives its execution environment variables; <c>process.env</c> asks the host bound
/// to the engine at the moment a name is read. Hosts without it (push-time analysis) show none.
/// </summary>
internal interface IEnvironmentVariablesHost
{
    /// <summary>The value of <paramref name="name"/>, or null when it is not set.</summary>
    string? GetEnvironmentVariable(string name);
}
