using Convex.Sim.Core;

namespace Convex.Sim.Simulator.Disk;

/// <summary>
/// The contents of one simulated file, modelled for append-only use (logs): bytes below
/// <see cref="DurableLength"/> survive a crash; writes after it are unsynced until the next sync.
/// A write may not overwrite durable bytes (asserted). Truncation is a metadata operation that is
/// durable at once, as the log's recovery needs.
/// </summary>
internal sealed class SimFile
{
    private byte[] _buffer = new byte[4096];
    private readonly List<int> _unsyncedLengths = [];

    public long Length { get; private set; }

    public long DurableLength { get; private set; }

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        Invariant.Assert(offset >= DurableLength && offset <= Length);
        EnsureCapacity(offset + data.Length);
        data.CopyTo(_buffer.AsSpan((int)offset));
        Length = Math.Max(Length, offset + data.Length);
        _unsyncedLengths.Add(data.Length);
    }

    public int Read(long offset, Span<byte> destination)
    {
        if (offset >= Length)
        {
            return 0;
        }

        var n = (int)Math.Min(destination.Length, Length - offset);
        _buffer.AsSpan((int)offset, n).CopyTo(destination);
        return n;
    }

    public void Truncate(long length)
    {
        Invariant.Assert(length >= 0 && length <= Length);
        Length = length;
        DurableLength = Math.Min(DurableLength, length);
        _unsyncedLengths.Clear();
        if (DurableLength < Length)
        {
            _unsyncedLengths.Add((int)(Length - DurableLength));
        }
    }

    public void Sync()
    {
        DurableLength = Length;
        _unsyncedLengths.Clear();
    }

    /// <summary>Loses the unsynced writes; the first may survive as a torn prefix. Returns (lost, torn bytes).</summary>
    public (int Lost, int TornBytes) Crash(bool tear, IRandom random)
    {
        var lost = _unsyncedLengths.Count;
        var tornBytes = 0;
        if (tear && lost > 0 && _unsyncedLengths[0] > 1)
        {
            tornBytes = random.NextInt(1, _unsyncedLengths[0]);
            if (random.Chance(1, 2))
            {
                _buffer[DurableLength + tornBytes - 1] ^= 0x5A; // the last sector came back garbled
            }
        }

        Length = DurableLength + tornBytes;
        DurableLength = Length;
        _unsyncedLengths.Clear();
        return (lost, tornBytes);
    }

    private void EnsureCapacity(long length)
    {
        if (length > _buffer.Length)
        {
            Array.Resize(ref _buffer, (int)Math.Max(length, _buffer.Length * 2L));
        }
    }
}
