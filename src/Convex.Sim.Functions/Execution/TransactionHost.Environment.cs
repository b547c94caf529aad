using Convex.Sim.Functions.WebApis;

namespace Convex.Sim.Functions.Execution;

/// <summary><c>process.env</c> of a query or mutation: the environment its execution started with.</summary>
internal sealed partial class TransactionHost : IEnvironmentVariablesHost
{
    public string? GetEnvironmentVariable(string name) => _context.Environment.Get(name);
}
