using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Native.TypedArray;
using Jint.Runtime;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// Web IDL <c>BufferSource</c> access: the bytes of an <c>ArrayBuffer</c>, a typed array or a
/// <c>DataView</c> as a live segment of the buffer's backing store (Jint hands out the backing
/// array itself), so readers copy nothing and writers (<c>getRandomValues</c>,
/// <c>encodeInto</c>) write through to what JavaScript sees.
/// </summary>
internal static class BufferSources
{
    public static bool IsView(JsValue value) => value is JsTypedArray || value.IsDataView();

    /// <summary>The bytes <paramref name="value"/> covers, or false when it is not a buffer source.</summary>
    public static bool TryGetBytes(WebApiContext context, JsValue value, out ArraySegment<byte> bytes)
    {
        switch (value)
        {
            case JsArrayBuffer buffer:
                bytes = Segment(context, buffer, 0, Length(buffer.Get("byteLength")));
                return true;
            case JsTypedArray:
            case ObjectInstance when value.IsDataView():
                if (value.Get("buffer") is not JsArrayBuffer viewed)
                {
                    throw context.TypeError("The view's buffer is not an ArrayBuffer");
                }

                bytes = Segment(context, viewed, Length(value.Get("byteOffset")), Length(value.Get("byteLength")));
                return true;
            default:
                bytes = default;
                return false;
        }
    }

    /// <summary>The kind of a typed array (<c>Uint8Array</c>, ...), read from its type, not from properties.</summary>
    public static string TypedArrayName(JsTypedArray array) => array switch
    {
        _ when array.IsUint8Array() => "Uint8Array",
        _ when array.IsInt8Array() => "Int8Array",
        _ when array.IsUint8ClampedArray() => "Uint8ClampedArray",
        _ when array.IsInt16Array() => "Int16Array",
        _ when array.IsUint16Array() => "Uint16Array",
        _ when array.IsInt32Array() => "Int32Array",
        _ when array.IsUint32Array() => "Uint32Array",
        _ when array.IsBigInt64Array() => "BigInt64Array",
        _ when array.IsBigUint64Array() => "BigUint64Array",
        _ when array.IsFloat16Array() => "Float16Array",
        _ when array.IsFloat32Array() => "Float32Array",
        _ => "Float64Array",
    };

    public static TypedArrayConstructor TypedArrayConstructor(Engine engine, string name) => name switch
    {
        "Uint8Array" => engine.Intrinsics.Uint8Array,
        "Int8Array" => engine.Intrinsics.Int8Array,
        "Uint8ClampedArray" => engine.Intrinsics.Uint8ClampedArray,
        "Int16Array" => engine.Intrinsics.Int16Array,
        "Uint16Array" => engine.Intrinsics.Uint16Array,
        "Int32Array" => engine.Intrinsics.Int32Array,
        "Uint32Array" => engine.Intrinsics.Uint32Array,
        "BigInt64Array" => engine.Intrinsics.BigInt64Array,
        "BigUint64Array" => engine.Intrinsics.BigUint64Array,
        "Float16Array" => engine.Intrinsics.Float16Array,
        "Float32Array" => engine.Intrinsics.Float32Array,
        _ => engine.Intrinsics.Float64Array,
    };

    public static bool IsIntegerTypedArray(JsTypedArray array) =>
        !array.IsFloat16Array() && !array.IsFloat32Array() && !array.IsFloat64Array();

    private static int Length(JsValue value)
    {
        var number = TypeConverter.ToNumber(value);
        return number is >= 0 and <= int.MaxValue ? (int)number : -1;
    }

    private static ArraySegment<byte> Segment(WebApiContext context, JsArrayBuffer buffer, int offset, int length)
    {
        // A detached buffer has no backing array and a byte length of 0.
        var data = buffer.AsArrayBuffer() ?? [];
        if (offset < 0 || length < 0 || (long)offset + length > data.Length)
        {
            throw context.TypeError("The view does not fit in its buffer");
        }

        return new ArraySegment<byte>(data, offset, length);
    }
}
