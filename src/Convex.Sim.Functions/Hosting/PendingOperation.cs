using Jint.Native.Promise;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// Host work that JavaScript is waiting for: an async syscall or a timer. Collected during a turn
/// of the event loop and performed, in order, between turns.
/// </summary>
internal abstract record PendingOperation(ManualPromise Promise);

internal sealed record PendingSyscall(ManualPromise Promise, string Op, string ArgsJson) : PendingOperation(Promise);

internal sealed record PendingTimer(ManualPromise Promise, TimeSpan Delay) : PendingOperation(Promise);

/// <summary>An HTTP request; <paramref name="ToJs"/> builds the JavaScript <c>Response</c> when it settles.</summary>
internal sealed record PendingFetch(
    ManualPromise Promise, Runtime.Network.HttpFetchRequest Request, Func<Runtime.Network.HttpFetchResponse, Jint.Native.JsValue> ToJs)
    : PendingOperation(Promise);
