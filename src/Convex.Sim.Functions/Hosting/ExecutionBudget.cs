using Jint;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// A Jint constraint that spans a whole execution rather than one host entry (Jint's own
/// statement and time constraints reset at every entry, so a function that awaits between
/// loops would never trip them). Checked on every statement; the clock is read every 1024.
/// </summary>
internal sealed class ExecutionBudget : Constraint
{
    private readonly TimeProvider _clock;
    private ExecutionLimits _limits = new();
    private long _statements;
    private long _spentTicks;
    private long _enteredAt = -1;
    private bool _armed;

    public ExecutionBudget(TimeProvider clock) => _clock = clock;

    /// <summary>Starts a new execution with fresh counters.</summary>
    public void Arm(ExecutionLimits limits)
    {
        _limits = limits;
        _statements = 0;
        _spentTicks = 0;
        _enteredAt = -1;
        _armed = true;
    }

    public void Disarm() => _armed = false;

    /// <summary>Called when the host hands control to JavaScript.</summary>
    public void Enter() => _enteredAt = _clock.GetTimestamp();

    /// <summary>Called when control returns to the host (a syscall, the end of a turn).</summary>
    public void Exit()
    {
        if (_enteredAt >= 0)
        {
            _spentTicks += _clock.GetTimestamp() - _enteredAt;
            _enteredAt = -1;
        }
    }

    public TimeSpan Spent => _clock.GetElapsedTime(0, _spentTicks);

    public override void Check()
    {
        if (!_armed)
        {
            return;
        }

        _statements++;
        if (_limits.Statements is { } max && _statements > max)
        {
            throw new FunctionAbortedException("StatementLimitExceeded",
                $"Function exceeded the limit of {max} JavaScript statements (an infinite loop?)");
        }

        if ((_statements & 1023) == 0 && _limits.UserTime is { } budget && _enteredAt >= 0)
        {
            var spent = _spentTicks + (_clock.GetTimestamp() - _enteredAt);
            if (_clock.GetElapsedTime(0, spent) > budget)
            {
                throw new FunctionAbortedException("UserTimeout",
                    $"Function execution timed out (maximum duration: {budget.TotalSeconds:0.###}s)");
            }
        }
    }

    public override void Reset()
    {
        // Jint resets constraints at every host entry; this budget spans the execution on purpose.
    }
}
