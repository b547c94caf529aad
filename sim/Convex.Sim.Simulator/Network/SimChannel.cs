using Convex.Sim.Core;
using Convex.Sim.Simulator.Scheduling;

namespace Convex.Sim.Simulator.Network;

/// <summary>
/// One direction of a simulated connection: JSON text messages delivered in the order they were
/// sent (a WebSocket runs over TCP: nothing is reordered or duplicated within one connection), each
/// at its delivery time on the simulated clock. Once <see cref="Close"/>d, the receiver gets the
/// messages still queued and then null. The channel never decides what is lost: the connection cuts
/// its queue (<see cref="KeepPrefix"/>) when it breaks.
/// </summary>
internal sealed class SimChannel(SimLoop loop)
{
    private readonly Queue<(DateTimeOffset At, string Text)> _queue = new();
    private DateTimeOffset _lastAt;
    private TaskCompletionSource? _signal;

    /// <summary>No more messages will be added; the receiver drains the queue and then gets null.</summary>
    public bool IsClosed { get; private set; }

    public int Pending => _queue.Count;

    /// <summary>Queues a message for delivery at <paramref name="at"/>, never before an earlier message.</summary>
    public void Enqueue(string text, DateTimeOffset at)
    {
        Invariant.Assert(!IsClosed);
        var delivery = at < _lastAt ? _lastAt : at;
        _queue.Enqueue((delivery, text));
        _lastAt = delivery;
        Invariant.Assert(_queue.Count > 0);
        Signal();
    }

    public void Close()
    {
        IsClosed = true;
        Signal();
    }

    /// <summary>
    /// Keeps the first <paramref name="count"/> queued messages (the rest is lost in the network) and
    /// delays the kept ones by <paramref name="extraDelay"/> (retransmissions of a failing link).
    /// </summary>
    public void KeepPrefix(int count, TimeSpan extraDelay)
    {
        Invariant.Assert(count >= 0 && count <= _queue.Count);
        Invariant.Assert(extraDelay >= TimeSpan.Zero);
        var kept = _queue.Take(count).Select(m => (m.At + extraDelay, m.Text)).ToList();
        _queue.Clear();
        foreach (var message in kept)
        {
            _queue.Enqueue(message);
            _lastAt = message.Item1;
        }

        Signal();
    }

    /// <summary>The next message once it is due, or null when the channel is closed and drained.</summary>
    public async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_queue.TryPeek(out var head))
            {
                var now = loop.Time.GetUtcNow();
                if (head.At <= now)
                {
                    _queue.Dequeue();
                    return head.Text;
                }

                // Task.Delay truncates to whole milliseconds (a shorter wait completes at once): round up.
                var wait = TimeSpan.FromMilliseconds(Math.Ceiling((head.At - now).TotalMilliseconds));
                await Task.Delay(wait, loop.Time, cancellationToken);
                continue;
            }

            if (IsClosed)
            {
                return null;
            }

            // Not RunContinuationsAsynchronously: the continuation is posted to the receiver's node.
            _signal ??= new TaskCompletionSource();
            await _signal.Task.WaitAsync(cancellationToken);
        }
    }

    private void Signal()
    {
        var signal = _signal;
        _signal = null;
        signal?.TrySetResult();
    }
}
