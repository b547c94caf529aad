using Convex.Sim.Simulator.Network;
using System.Globalization;
using System.Text;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Simulator.Sync;

/// <summary>
/// Reassembly of <c>TransitionChunk</c>s with the official client's rules (convex-compat §3.4.7):
/// the parts of one transition arrive in order, all with the same id and part count, and nothing
/// but a <c>Ping</c> comes between them; the joined text is one <c>Transition</c>. The official
/// client throws on a broken sequence; here it is a violation of <see cref="SyncRecorder.ChunksInOrder"/>.
/// </summary>
internal sealed partial class SyncClient
{
    private StringBuilder? _chunks;
    private string? _chunkId;
    private int _chunkParts;
    private int _chunkNext;

    private bool OnChunk(SimConnection connection, TransitionChunk chunk)
    {
        var valid = chunk.TotalParts > 0 && chunk.PartNumber >= 0 && chunk.PartNumber < chunk.TotalParts
            && (_chunks is null
                ? chunk.PartNumber == 0
                : chunk.TransitionId == _chunkId && chunk.TotalParts == _chunkParts && chunk.PartNumber == _chunkNext);
        if (!valid)
        {
            _recorder.Violation(Index, SyncRecorder.ChunksInOrder, string.Create(CultureInfo.InvariantCulture,
                $"conn {connection.Id}: chunk {chunk.PartNumber}/{chunk.TotalParts} of {chunk.TransitionId} " +
                $"while expecting part {_chunkNext} of {_chunkId ?? "a new transition"}"));
            DropChunks();
            return false;
        }

        if (_chunks is null)
        {
            _chunks = new StringBuilder();
            _chunkId = chunk.TransitionId;
            _chunkParts = chunk.TotalParts;
            _chunkNext = 0;
        }

        _chunks.Append(chunk.Chunk);
        _chunkNext++;
        if (_chunkNext < _chunkParts)
        {
            return true;
        }

        var text = _chunks.ToString();
        DropChunks();
        _recorder.ChunkedTransition(Index, chunk.TotalParts);
        return ServerMessageReader.Read(text) is Transition transition
            ? OnTransition(connection, transition)
            : Violated(connection, "the joined chunks are not a Transition");
    }

    /// <summary>False (a violation) when a message other than a chunk or ping interrupts a chunked transition.</summary>
    private bool NotBufferingChunks(ServerMessage message)
    {
        if (_chunks is null)
        {
            return true;
        }

        Violated(null, $"{message.GetType().Name} between the chunks of {_chunkId}");
        DropChunks();
        return false;
    }

    private bool Violated(SimConnection? connection, string explanation)
    {
        _recorder.Violation(Index, SyncRecorder.ChunksInOrder,
            connection is null ? explanation : $"conn {connection.Id}: {explanation}");
        return false;
    }

    private void DropChunks()
    {
        _chunks = null;
        _chunkId = null;
        _chunkParts = 0;
        _chunkNext = 0;
    }
}
