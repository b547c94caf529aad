using Convex.Sim.Functions.Library;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// Idle workers for one module set. Workers are reused (LIFO, so the order is deterministic in
/// the simulator) unless an execution poisoned them; creating one costs a few hundred
/// microseconds plus module evaluation on first import.
/// </summary>
internal sealed class WorkerPool(
    ModuleSet modules, TimeProvider clock, int maxIdle, ExecutionLimits engineLimits,
    ValueConversion conversion = ValueConversion.Native)
{
    private readonly Stack<JsWorker> _idle = new();
    private readonly Lock _lock = new();

    public ModuleSet Modules => modules;

    public JsWorker Rent()
    {
        lock (_lock)
        {
            if (_idle.TryPop(out var worker))
            {
                return worker;
            }
        }

        return new JsWorker(modules, clock, engineLimits, conversion);
    }

    public void Return(JsWorker worker)
    {
        if (worker.IsPoisoned)
        {
            return;
        }

        lock (_lock)
        {
            if (_idle.Count < maxIdle)
            {
                _idle.Push(worker);
            }
        }
    }
}
