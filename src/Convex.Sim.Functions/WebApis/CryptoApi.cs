using System.Globalization;
using System.Text;
using Convex.Sim.Core;
using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>crypto</c> (WebCrypto §10): <c>getRandomValues</c> and <c>randomUUID</c> draw their bytes
/// from the execution's host (<see cref="Hosting.IExecutionHost.NextBytes"/>), so a query or
/// mutation replays identically from its seed, as Convex makes them. <c>crypto.subtle</c> exists
/// (libraries test for it) but every method rejects with a "not supported yet" error.
/// </summary>
internal static class CryptoApi
{
    /// <summary>The WebCrypto entropy quota per call.</summary>
    private const int MaxBytes = 65536;

    private static readonly string[] SubtleMethods =
    [
        "decrypt", "deriveBits", "deriveKey", "digest", "encrypt", "exportKey", "generateKey", "importKey", "sign",
        "unwrapKey", "verify", "wrapKey",
    ];

    public static JsValue Create(WebApiContext context)
    {
        var crypto = new HostClass<CryptoState>(context, "Crypto", 0, create: null);
        crypto.Method("getRandomValues", 1, (_, args) => GetRandomValues(context, args));
        crypto.Method("randomUUID", 0, (_, _) =>
        {
            Span<byte> bytes = stackalloc byte[16];
            context.Worker.Host.NextBytes(bytes);
            return new JsString(FormatUuidV4(bytes));
        });
        var subtle = CreateSubtle(context);
        crypto.Accessor("subtle", _ => subtle);
        return crypto.Wrap(CryptoState.Instance);
    }

    /// <summary>A version 4 UUID (RFC 9562 §5.4) from 16 random bytes, lowercase.</summary>
    internal static string FormatUuidV4(ReadOnlySpan<byte> random)
    {
        Invariant.Assert(random.Length == 16);
        Span<byte> bytes = stackalloc byte[16];
        random.CopyTo(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var text = new StringBuilder(36);
        for (var i = 0; i < 16; i++)
        {
            if (i is 4 or 6 or 8 or 10)
            {
                text.Append('-');
            }

            text.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static JsValue GetRandomValues(WebApiContext context, JsValue[] args)
    {
        context.RequireArguments(args, 1, "Failed to execute 'getRandomValues' on 'Crypto'");
        var array = args[0];
        if (array is not JsTypedArray typed)
        {
            throw array.IsDataView()
                ? context.DomError("The provided ArrayBufferView is not an integer array type", "TypeMismatchError")
                : context.TypeError(
                    "Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of type 'ArrayBufferView'.");
        }

        if (!BufferSources.IsIntegerTypedArray(typed))
        {
            throw context.DomError("The provided ArrayBufferView is not an integer array type", "TypeMismatchError");
        }

        BufferSources.TryGetBytes(context, typed, out var bytes);
        if (bytes.Count > MaxBytes)
        {
            throw context.DomError(
                $"Failed to execute 'getRandomValues' on 'Crypto': The ArrayBufferView's byte length ({bytes.Count}) " +
                $"exceeds the number of bytes of entropy available via this API ({MaxBytes}).",
                "QuotaExceededError");
        }

        context.Worker.Host.NextBytes(bytes.AsSpan());
        return array;
    }

    private static ObjectInstance CreateSubtle(WebApiContext context)
    {
        var subtle = new HostClass<SubtleState>(context, "SubtleCrypto", 0, create: null);
        foreach (var name in SubtleMethods)
        {
            // Async in WebCrypto, so the failure is a rejected promise, not a synchronous throw.
            subtle.Method(name, 0, (_, _) => context.Rejected(context.Worker.MakeError(
                $"crypto.subtle.{name} is not supported yet by Convex.Sim (see docs/compatibility.md)")));
        }

        var instance = subtle.Wrap(SubtleState.Instance);
        Invariant.Assert(instance.Prototype is not null);
        return instance;
    }

    private sealed class CryptoState
    {
        public static readonly CryptoState Instance = new();
    }

    private sealed class SubtleState
    {
        public static readonly SubtleState Instance = new();
    }
}
