using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Native.Symbol;
using Convex.Sim.Core;

namespace Convex.Sim.Functions.Library;

/// <summary>
/// The built-ins the library's value conversion looks up while it runs, as they were when the
/// engine was created. User code may replace any of them (<c>Object.entries = …</c>), and the
/// library would then call the replacement; the native conversion does not, so it only runs while
/// every one of them is still the original, and hands the call to the interpreted library
/// otherwise.
/// <para>
/// <c>Object.prototype</c> is checked per field instead (<see cref="StoresAsData"/>): the library
/// stores fields with <c>result[key] = value</c>, which runs a setter or throws if
/// <c>Object.prototype</c> has an accessor or a read-only property of that name.
/// </para>
/// <para>
/// Not covered (documented in docs/functions.md): replacing built-ins the library reaches only on
/// rare paths (DataView and typed-array methods, <c>Symbol.hasInstance</c>, the array iterator's
/// <c>next</c>, <c>Array.prototype</c> elements).
/// </para>
/// </summary>
internal sealed class PristineIntrinsics
{
    private readonly ObjectInstance _global;
    private readonly (ObjectInstance Holder, JsValue Key, JsValue Original)[] _lookups;

    public PristineIntrinsics(Engine engine)
    {
        _global = engine.Global;
        var lookups = new List<(ObjectInstance, JsValue, JsValue)>();
        foreach (var name in new[] { "Object", "Array", "ArrayBuffer", "Set", "Map", "Number", "DataView", "Uint8Array" })
        {
            lookups.Add((_global, name, _global.Get(name)));
        }

        var objectConstructor = engine.Intrinsics.Object;
        var arrayConstructor = engine.Intrinsics.Array;
        var arrayPrototype = arrayConstructor.Get("prototype").AsObject();
        var numberConstructor = _global.Get("Number").AsObject();
        var stringPrototype = _global.Get("String").AsObject().Get("prototype").AsObject();
        Add(objectConstructor, "entries");
        Add(objectConstructor, "getPrototypeOf");
        Add(objectConstructor, "is");
        Add(arrayConstructor, "isArray");
        Add(arrayPrototype, "map");
        Add(arrayPrototype, "sort");
        Add(arrayPrototype, GlobalSymbolRegistry.Iterator);
        Add(numberConstructor, "isNaN");
        Add(numberConstructor, "isFinite");
        Add(stringPrototype, "startsWith");
        Add(stringPrototype, "charCodeAt");
        _lookups = [.. lookups];
        ArrayPrototype = arrayPrototype;
        ObjectPrototype = objectConstructor.Get("prototype").AsObject();
        Invariant.Assert(Hold());
        return;

        void Add(ObjectInstance holder, JsValue key) => lookups.Add((holder, key, holder.Get(key)));
    }

    public ObjectInstance ArrayPrototype { get; }

    public ObjectInstance ObjectPrototype { get; }

    /// <summary>Whether every built-in the conversion depends on is still the original.</summary>
    public bool Hold()
    {
        foreach (var (holder, key, original) in _lookups)
        {
            if (!ReferenceEquals(holder.Get(key), original))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <c>fresh[key] = value</c> on a fresh plain object creates a data property, as
    /// <c>CreateDataProperty</c> does: <c>Object.prototype</c> has no such property, or a
    /// writable data one (then the assignment shadows it).
    /// </summary>
    public bool StoresAsData(JsValue key)
    {
        var inherited = ObjectPrototype.GetOwnProperty(key);
        return inherited == Jint.Runtime.Descriptors.PropertyDescriptor.Undefined
            || (inherited.IsDataDescriptor() && inherited.Writable);
    }
}
