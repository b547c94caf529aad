using Convex.Sim.Core;
using Convex.Sim.Functions.Library;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Functions.WebApis;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// One Jint engine prepared for a <see cref="ModuleSet"/>: the <c>Convex</c> global, web APIs,
/// a controllable clock, a seeded <c>Math.random</c> and the execution budget. A worker runs one
/// execution at a time; between executions it keeps its imported modules (module-level state
/// persists, as it may in Convex). A worker whose execution was aborted is never reused.
/// </summary>
internal sealed class JsWorker
{
    private readonly Queue<PendingOperation> _pending = new();
    private readonly Dictionary<string, ObjectInstance> _namespaces = new(StringComparer.Ordinal);
    // In rejection order: the first one decides the error message, so no hash order may decide it
    // (object hash codes differ between runs and would break replay in the simulator).
    private readonly List<JsValue> _unhandledRejections = [];
    private IExecutionHost? _host;
    private int _syscalls;
    private int _syscallLimit;

    /// <param name="engineLimits">Memory, call-depth and array-length limits, fixed when the engine is built
    /// (Jint applies them per engine); time and statement budgets are set per execution.</param>
    /// <param name="conversion">Whether recognised library value conversion runs natively (<see cref="ValueConversion"/>).</param>
    public JsWorker(
        ModuleSet modules, TimeProvider clock, ExecutionLimits? engineLimits = null,
        ValueConversion conversion = ValueConversion.Native)
    {
        var limits = engineLimits ?? new ExecutionLimits();
        Modules = modules;
        Clock = new ExecutionClock(clock);
        Budget = new ExecutionBudget(clock);
        Engine = new Engine(options =>
        {
            options.EnableModules(new ModuleLoader(modules, conversion));
            options.TimeSystem = Clock;
            options.Culture = System.Globalization.CultureInfo.InvariantCulture;
            options.Constraints.StackOverflowGuard = true;
            options.LimitMemory(limits.MemoryBytes);
            options.LimitRecursion(limits.RecursionDepth);
            options.Constraints.MaxArraySize = limits.ArrayLength;
            options.Constraint(Budget);
            // Arbitrary code from strings is refused: bundles are known at push time.
            options.DisableStringCompilation();
            options.Strict = true;
        });
        Engine.Advanced.PromiseRejectionTracker += OnPromiseRejection;
        InstallConvexGlobal();
        InstallMathRandom();
        JsonParse.Install(this);
        WebApiInstaller.Install(this);
    }

    public Engine Engine { get; }

    /// <summary>The native value conversion the substituted library calls (installed whatever the mode; unused when interpreted).</summary>
    internal NativeValueConversion NativeConversion { get; private set; } = null!;

    public ModuleSet Modules { get; }

    public ExecutionClock Clock { get; }

    public ExecutionBudget Budget { get; }

    /// <summary>Set when an execution was aborted: the engine's state can no longer be trusted.</summary>
    public bool IsPoisoned { get; private set; }

    public IExecutionHost Host => _host ?? throw new JavaScriptException(Engine.Intrinsics.Error,
        "The Convex database and auth objects are being used outside of a function execution " +
        "(for example at import time)");

    internal bool HasPending => _pending.Count > 0;

    internal IReadOnlyList<JsValue> UnhandledRejections => _unhandledRejections;

    public void Poison() => IsPoisoned = true;

    private void EnsureBound() => _ = Host;

    public bool IsImported(string path) => _namespaces.ContainsKey(path);

    /// <summary>The namespace object of a module, importing (and evaluating) it on first use.</summary>
    public ObjectInstance Import(string path)
    {
        if (!_namespaces.TryGetValue(path, out var ns))
        {
            ns = Engine.Modules.Import(ModulePath.ToSpecifier(path));
            _namespaces[path] = ns;
        }

        return ns;
    }

    /// <summary>Binds an execution to this worker; every syscall goes to <paramref name="host"/> until <see cref="Unbind"/>.</summary>
    public void Bind(IExecutionHost host, ExecutionLimits limits)
    {
        Invariant.Assert(_host is null, "a worker runs one execution at a time");
        Invariant.Assert(!IsPoisoned);
        _host = host;
        _pending.Clear();
        _unhandledRejections.Clear();
        _syscalls = 0;
        _syscallLimit = limits.Syscalls;
        Budget.Arm(limits);
        Engine.Advanced.ResetCallStack();
    }

    public void Unbind()
    {
        _host = null;
        _pending.Clear();
        _unhandledRejections.Clear();
        Budget.Disarm();
        Clock.Live();
    }

    internal PendingOperation[] TakePending()
    {
        var batch = _pending.ToArray();
        _pending.Clear();
        return batch;
    }

    /// <summary>Queues host work and returns the promise JavaScript waits on.</summary>
    internal JsValue Enqueue(Func<Jint.Native.Promise.ManualPromise, PendingOperation> make)
    {
        if (++_syscalls > _syscallLimit)
        {
            throw new FunctionAbortedException("TooManySyscalls",
                $"Function made more than {_syscallLimit} asynchronous calls to the host");
        }

        var promise = Engine.Advanced.RegisterPromise();
        _pending.Enqueue(make(promise));
        return promise.Promise;
    }

    internal JsValue MakeError(string message, JsValue? data = null)
    {
        var error = Engine.Intrinsics.Error.Construct(message);
        if (data is not null)
        {
            error.Set("data", data);
        }

        return error;
    }

    private void OnPromiseRejection(object? sender, PromiseRejectionTrackerEventArgs e)
    {
        if (e.Operation == Jint.Native.Promise.PromiseRejectionOperation.Reject)
        {
            _unhandledRejections.Add(e.Promise);
        }
        else
        {
            _unhandledRejections.Remove(e.Promise);
        }
    }

    private void InstallConvexGlobal()
    {
        var convex = new JsObject(Engine);
        convex.Set("syscall", Function("syscall", 2, (_, args) =>
            new JsString(Guard(() => Host.Syscall(StringArg(args, 0, "op"), StringArg(args, 1, "args"))))));
        convex.Set("asyncSyscall", Function("asyncSyscall", 2, (_, args) =>
        {
            var op = StringArg(args, 0, "op");
            var json = StringArg(args, 1, "args");
            EnsureBound();
            return Enqueue(p => new PendingSyscall(p, op, json));
        }));
        convex.Set("jsSyscall", Function("jsSyscall", 2, (_, args) =>
            Guard(() => Host.JsSyscall(StringArg(args, 0, "op"), args.Length > 1 ? args[1] : JsValue.Undefined))));
        NativeConversion = NativeValueConversion.Install(Engine, convex);
        Engine.SetValue("Convex", convex);
    }

    private void InstallMathRandom()
    {
        var math = Engine.GetValue("Math").AsObject();
        math.Set("random", Function("random", 0, (_, _) => new JsNumber(Host.NextRandom())));
    }

    internal Jint.Native.Function.Function Function(string name, int length, Func<JsValue, JsValue[], JsValue> body) =>
        new ClrFunction(Engine, name, body, length, Jint.Runtime.Descriptors.PropertyFlag.Configurable);

    /// <summary>Turns a developer error from the host into a JavaScript exception the function may catch.</summary>
    internal T Guard<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (ConvexException e) when (e is not FunctionAbortedException)
        {
            throw new JavaScriptException(Engine.Intrinsics.Error, e.Message);
        }
    }

    private string StringArg(JsValue[] args, int index, string name) =>
        args.Length > index && args[index] is JsString s
            ? s.ToString()
            : throw new JavaScriptException(Engine.Intrinsics.TypeError, $"Convex syscall: argument `{name}` must be a string");
}
