using Convex.Sim.Database.Transactions;
using Convex.Sim.Functions.Syscalls;

namespace Convex.Sim.Functions.Execution;

/// <summary>The open query iterators of one execution, by the ids the library holds.</summary>
internal sealed class QueryStreams(Transaction transaction)
{
    private readonly Transaction _transaction = transaction;

    public string Open(SyscallArgs args) => throw SyscallErrors.NotSupportedYet("db.query");

    public string Cleanup(SyscallArgs args) => "false";

    public ValueTask<string> NextAsync(SyscallArgs args, CancellationToken cancellationToken) =>
        throw SyscallErrors.NotSupportedYet("db.query");

    public ValueTask<string> PageAsync(SyscallArgs args, CancellationToken cancellationToken) =>
        throw SyscallErrors.NotSupportedYet("paginate");

    public ValueTask<string> CountAsync(SyscallArgs args, CancellationToken cancellationToken) =>
        throw SyscallErrors.NotSupportedYet("count");
}
