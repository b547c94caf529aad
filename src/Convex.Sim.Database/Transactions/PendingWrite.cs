using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Transactions;

/// <summary>
/// A document a transaction has written: its value at the snapshot (<see cref="Old"/>, null if it
/// did not exist) and its value now (<see cref="New"/>, null if deleted). Both are needed at commit:
/// the old index keys are deleted and both old and new keys go into the write log.
/// </summary>
public sealed record PendingWrite(DocumentId Id, ConvexObject? Old, ConvexObject? New);
