#!/usr/bin/env python3
"""Buckets a dotnet-trace thread-time profile of `--profile-list` by what the busy thread was doing.

    dotnet-trace collect --profile dotnet-sampled-thread-time -o list.nettrace -- \
        dotnet tests/Convex.Sim.Benchmarks/bin/Release/net10.0/Convex.Sim.Benchmarks.dll --profile-list 15
    dotnet-trace convert --format Speedscope -o list list.nettrace
    python3 tests/Convex.Sim.Benchmarks/profile-buckets.py list.speedscope.json 14

Only the busiest thread (the one running the calls) and the last WINDOW seconds (after warm-up) count.
Each sample goes to the first bucket (in the order below) whose pattern matches a frame of its stack.
Jint shows no JavaScript function names, so JavaScript is attributed by where the host entered it.
Samples often end in Thread.PollGC: the sampler suspends the thread at a GC safe point, so that frame
says little about GC (use dotnet-counters for GC time); its callers decide the bucket.
"""
import collections
import json
import re
import sys

BUCKETS = [
    ("JS JSON.parse (Jint JsonParser)", r"Jint\.Native\.Json\.JsonParser|JsonInstance\.Parse"),
    ("JS JSON.stringify (Jint JsonSerializer)", r"Jint\.Native\.Json\.JsonSerializer"),
    ("C# syscalls incl. database (TransactionHost, QueryStreams)", r"TransactionHost|QueryStreams|SyscallArgs"),
    ("C# result decode and checks (ToResult, CheckReturns, Lookup)",
     r"FunctionRunner\.ToResult|FunctionRunner\.CheckReturns|FunctionRunner\.Lookup|ArgumentsValidator"),
    ("JS convexToJson of the result (Array.prototype.map)", r"ArrayPrototype\.Map"),
    ("JS resumed after a syscall (jsonToConvex, for-await, promises)", r"JsEventLoop\.Settle"),
    ("JS first turn (invokeQuery, args, handler up to its first await)",
     r"JsEventLoop\+<>c__DisplayClass0_0\.<RunAsync>b__0|FunctionInvoker"),
    ("C# event loop and runner glue", r"JsEventLoop|FunctionRunner|JsWorker"),
]
INSIDE_MAP = ["ArrayPrototype.Sort", "JintForStatement", "JintTemplateLiteral", "EnumerableOwnProperties"]


def main(path, window_seconds):
    data = json.load(open(path))
    frames = [f["name"] for f in data["shared"]["frames"]]
    profile = max(data["profiles"], key=lambda p: len(p["events"]))
    window_start = profile["endValue"] - window_seconds * 1000
    patterns = [(name, re.compile(p)) for name, p in BUCKETS]
    buckets, inside_map = collections.Counter(), collections.Counter()
    poll_gc = 0.0
    stack, last, total = [], None, 0.0
    for event in profile["events"]:
        at = event["at"]
        start = max(last if last is not None else at, window_start)
        if stack and at > start:
            elapsed = at - start
            total += elapsed
            names = [frames[f] for f in stack]
            bucket = next((n for n, p in patterns if any(p.search(x) for x in names)), "other")
            buckets[bucket] += elapsed
            poll_gc += elapsed if "PollGC" in names[-2 if len(names) > 1 else -1] else 0
            if any("ArrayPrototype.Map" in x for x in names):
                for key in INSIDE_MAP:
                    if any(key in x for x in names):
                        inside_map[key] += elapsed
        last = at
        if event["type"] == "O":
            stack.append(event["frame"])
        else:
            while stack and stack.pop() != event["frame"]:
                pass
    print(f"{profile['name']}: {total / 1000:.1f} s busy in the window")
    for name, value in buckets.most_common():
        print(f"{100 * value / total:6.1f}%  {name}")
    print(f"(samples ending in PollGC: {100 * poll_gc / total:.1f}%)")
    print("inside the result's convexToJson (overlapping):")
    for name, value in inside_map.most_common():
        print(f"   {100 * value / total:6.1f}%  {name}")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 14.0)
