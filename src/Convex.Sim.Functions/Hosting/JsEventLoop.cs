using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// Drives one invocation to completion. JavaScript runs in turns: a turn starts the function (or
/// settles host work) and drains the microtask queue. Between turns the host performs the batch of
/// operations JavaScript queued (async syscalls issued in one turn form one batch, e.g. a
/// <c>Promise.all</c> of reads), one after another in FIFO order, then settles their promises in
/// the same order. Host work is awaited through the runtime, so the simulator interleaves it.
/// </summary>
internal static class JsEventLoop
{
    public static async Task<JsOutcome> RunAsync(JsWorker worker, Func<JsValue> start, CancellationToken cancellationToken)
    {
        var state = new Settlement();
        try
        {
            Turn(worker, () => Watch(worker, start(), state));
            while (!state.Settled)
            {
                if (!worker.HasPending)
                {
                    return JsOutcome.Failure(
                        "Uncaught Error: the function's promise never settled: it awaits something that nothing will resolve");
                }

                var batch = worker.TakePending();
                var results = new Result[batch.Length];
                for (var i = 0; i < batch.Length; i++)
                {
                    results[i] = await PerformAsync(worker, batch[i], cancellationToken);
                }

                Turn(worker, () => Settle(worker, batch, results));
            }

            if (worker.UnhandledRejections.Count > 0)
            {
                var reason = JsErrors.FromThrown(FirstRejectionReason(worker));
                return JsOutcome.Failure($"Unhandled promise rejection: {reason.ErrorMessage}");
            }

            return state.Rejection is { } thrown ? JsErrors.FromThrown(thrown) : ToResult(state.Value);
        }
        catch (JavaScriptException e)
        {
            return JsErrors.FromThrown(e.Error);
        }
        catch (ConvexException e) when (e is not FunctionAbortedException && !SystemErrors.IsSystem(e))
        {
            // Raised by the host before JavaScript ran (function not found, wrong kind...).
            return JsOutcome.Failure(e.Message);
        }
        catch (Exception e) when (Abort(e) is { } message)
        {
            worker.Poison();
            return JsOutcome.Failure(message);
        }
    }

    private static JsOutcome ToResult(JsValue? value) =>
        value is JsString json
            ? JsOutcome.Success(json.ToString())
            : JsOutcome.SystemFailure("The function library returned a non-string result");

    /// <summary>The message for an exception that ends the execution and poisons the engine, or null to rethrow.</summary>
    private static string? Abort(Exception e) => e switch
    {
        FunctionAbortedException a => a.Message,
        StatementsCountOverflowException => "Function exceeded its JavaScript statement limit (an infinite loop?)",
        MemoryLimitExceededException m => $"Function exceeded its memory limit: {m.Message}",
        RecursionDepthOverflowException => "Uncaught RangeError: Maximum call stack size exceeded",
        ExecutionCanceledException => "Function execution was cancelled",
        System.Text.RegularExpressions.RegexMatchTimeoutException => "Function exceeded the regular expression time limit",
        InsufficientExecutionStackException => "Uncaught RangeError: Maximum call stack size exceeded",
        _ => null,
    };

    private static void Turn(JsWorker worker, Action action)
    {
        // Jint resets its constraints only when the host calls into the engine; settling promises
        // and draining jobs is not such a call. Reset here so that the allocation limit measures one
        // turn (and not the host's own work between turns, which runs on the same thread).
        worker.Engine.Constraints.Reset();
        worker.Budget.Enter();
        try
        {
            action();
            worker.Engine.Advanced.ProcessTasks();
        }
        finally
        {
            worker.Budget.Exit();
        }
    }

    private static void Watch(JsWorker worker, JsValue started, Settlement state)
    {
        if (!started.IsPromise())
        {
            state.Settle(started, null);
            return;
        }

        var onFulfilled = worker.Function("onFulfilled", 1, (_, args) =>
        {
            state.Settle(args.Length > 0 ? args[0] : JsValue.Undefined, null);
            return JsValue.Undefined;
        });
        var onRejected = worker.Function("onRejected", 1, (_, args) =>
        {
            state.Settle(null, args.Length > 0 ? args[0] : JsValue.Undefined);
            return JsValue.Undefined;
        });
        worker.Engine.Invoke(started.Get("then"), started, [onFulfilled, onRejected]);
    }

    private static async Task<Result> PerformAsync(JsWorker worker, PendingOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            switch (operation)
            {
                case PendingSyscall call:
                    return new Result(await worker.Host.AsyncSyscallAsync(call.Op, call.ArgsJson, cancellationToken), null, null);
                case PendingTimer timer:
                    await worker.Host.DelayAsync(timer.Delay, cancellationToken);
                    return new Result(null, null, null);
                case PendingFetch fetch:
                    var response = await worker.Host.FetchAsync(fetch.Request, cancellationToken);
                    return new Result(null, null, null, () => fetch.ToJs(response));
                default:
                    throw new InvalidOperationException($"unknown pending operation {operation}");
            }
        }
        catch (NestedFunctionException e)
        {
            return new Result(null, e.Message, e.ErrorData);
        }
        catch (ConvexException e) when (!SystemErrors.IsSystem(e))
        {
            return new Result(null, e.Message, null);
        }
    }

    private static void Settle(JsWorker worker, PendingOperation[] batch, Result[] results)
    {
        for (var i = 0; i < batch.Length; i++)
        {
            var (value, error, data, make) = results[i];
            if (make is not null)
            {
                batch[i].Promise.Resolve(make());
            }
            else if (error is null)
            {
                batch[i].Promise.Resolve(value is null ? JsValue.Undefined : new JsString(value));
            }
            else
            {
                var jsData = data is null ? null : new Jint.Native.Json.JsonParser(worker.Engine).Parse(ConvexJson.Encode(data));
                batch[i].Promise.Reject(worker.MakeError(error, jsData));
            }
        }
    }

    private static JsValue FirstRejectionReason(JsWorker worker)
    {
        // The tracker only knows the promise; its reason is read back through a handler.
        JsValue reason = JsValue.Undefined;
        var promise = worker.UnhandledRejections[0];
        var capture = worker.Function("capture", 1, (_, args) =>
        {
            reason = args.Length > 0 ? args[0] : JsValue.Undefined;
            return JsValue.Undefined;
        });
        worker.Engine.Invoke(promise.Get("catch"), promise, [capture]);
        worker.Engine.Advanced.ProcessTasks();
        return reason;
    }

    /// <summary>What host work produced: a JSON string, an error (with ConvexError data), or a value to build in JavaScript.</summary>
    private readonly record struct Result(string? Value, string? Error, ConvexValue? Data, Func<JsValue>? Make = null);

    private sealed class Settlement
    {
        public bool Settled { get; private set; }

        public JsValue? Value { get; private set; }

        public JsValue? Rejection { get; private set; }

        public void Settle(JsValue? value, JsValue? rejection)
        {
            Invariant.Assert(!Settled, "a promise settles once");
            Settled = true;
            Value = value;
            Rejection = rejection;
        }
    }
}
