using System.Collections.Frozen;
using Convex.Sim.Core;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Native.Symbol;
using Jint.Runtime;
using Jint.Runtime.Descriptors;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>DOMException</c> (WebIDL §2.8.1): the error type web APIs throw (<c>InvalidCharacterError</c>
/// from <c>atob</c>, <c>DataCloneError</c> from <c>structuredClone</c>, ...). Instances are real
/// <c>Error</c> objects (they have a stack and inherit <c>Error.prototype</c>) whose <c>name</c> is
/// the exception name, so a failed function reports <c>Uncaught InvalidCharacterError: ...</c>.
/// </summary>
internal sealed class DomExceptionClass : Jint.Native.Constructor
{
    /// <summary>The legacy numeric codes (WebIDL "error names table"); other names have code 0.</summary>
    private static readonly FrozenDictionary<string, (int Code, string Constant)> LegacyCodes =
        new Dictionary<string, (int, string)>(StringComparer.Ordinal)
        {
            ["IndexSizeError"] = (1, "INDEX_SIZE_ERR"),
            ["HierarchyRequestError"] = (3, "HIERARCHY_REQUEST_ERR"),
            ["WrongDocumentError"] = (4, "WRONG_DOCUMENT_ERR"),
            ["InvalidCharacterError"] = (5, "INVALID_CHARACTER_ERR"),
            ["NoModificationAllowedError"] = (7, "NO_MODIFICATION_ALLOWED_ERR"),
            ["NotFoundError"] = (8, "NOT_FOUND_ERR"),
            ["NotSupportedError"] = (9, "NOT_SUPPORTED_ERR"),
            ["InvalidStateError"] = (11, "INVALID_STATE_ERR"),
            ["SyntaxError"] = (12, "SYNTAX_ERR"),
            ["InvalidModificationError"] = (13, "INVALID_MODIFICATION_ERR"),
            ["NamespaceError"] = (14, "NAMESPACE_ERR"),
            ["InvalidAccessError"] = (15, "INVALID_ACCESS_ERR"),
            ["TypeMismatchError"] = (17, "TYPE_MISMATCH_ERR"),
            ["SecurityError"] = (18, "SECURITY_ERR"),
            ["NetworkError"] = (19, "NETWORK_ERR"),
            ["AbortError"] = (20, "ABORT_ERR"),
            ["URLMismatchError"] = (21, "URL_MISMATCH_ERR"),
            ["QuotaExceededError"] = (22, "QUOTA_EXCEEDED_ERR"),
            ["TimeoutError"] = (23, "TIMEOUT_ERR"),
            ["InvalidNodeTypeError"] = (24, "INVALID_NODE_TYPE_ERR"),
            ["DataCloneError"] = (25, "DATA_CLONE_ERR"),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly WebApiContext _context;

    public DomExceptionClass(WebApiContext context)
        : base(context.Engine, "DOMException")
    {
        _context = context;
        var errorPrototype = (ObjectInstance)context.Engine.Intrinsics.Error.Get("prototype");
        PrototypeObject = new JsObject(Engine) { Prototype = errorPrototype };
        PrototypeObject.FastSetProperty("constructor", new PropertyDescriptor(this, PropertyFlag.NonEnumerable));
        var tag = new PropertyDescriptor(new JsString("DOMException"), PropertyFlag.Configurable);
        PrototypeObject.FastSetProperty(GlobalSymbolRegistry.ToStringTag, tag);
        foreach (var (code, constant) in LegacyCodes.Values.OrderBy(v => v.Code))
        {
            // The legacy constants (ABORT_ERR = 20, ...) live on the constructor and the prototype.
            FastSetProperty(constant, new PropertyDescriptor(JsNumber.Create(code), PropertyFlag.OnlyEnumerable));
            PrototypeObject.FastSetProperty(
                constant, new PropertyDescriptor(JsNumber.Create(code), PropertyFlag.OnlyEnumerable));
        }

        _prototypeDescriptor = new PropertyDescriptor(PrototypeObject, PropertyFlag.AllForbidden);
        _length = new PropertyDescriptor(JsNumber.Create(0), PropertyFlag.Configurable);
        Prototype = (ObjectInstance)context.Engine.Intrinsics.Function.Get("prototype");
    }

    public ObjectInstance PrototypeObject { get; }

    /// <summary>A DOMException to throw from host code.</summary>
    public ObjectInstance Create(string message, string name) => Build(message, name, PrototypeObject);

    public override ObjectInstance Construct(JsValue[] arguments, JsValue newTarget)
    {
        var message = WebApiContext.Arg(arguments, 0);
        var options = WebApiContext.Arg(arguments, 1);
        var name = "Error";
        if (options is ObjectInstance dictionary)
        {
            // The newer form: new DOMException(message, { name, cause }).
            var named = dictionary.Get("name");
            name = named.IsUndefined() ? name : TypeConverter.ToString(named);
        }
        else if (!options.IsUndefined())
        {
            name = TypeConverter.ToString(options);
        }

        var prototype = newTarget is ObjectInstance target && !ReferenceEquals(target, this)
            && target.Get("prototype") is ObjectInstance own ? own : PrototypeObject;
        return Build(message.IsUndefined() ? "" : TypeConverter.ToString(message), name, prototype);
    }

    private ObjectInstance Build(string message, string name, ObjectInstance prototype)
    {
        var error = _context.Engine.Intrinsics.Error.Construct(message);
        error.Prototype = prototype;
        error.FastSetProperty("name", new PropertyDescriptor(new JsString(name), PropertyFlag.NonEnumerable));
        var code = LegacyCodes.TryGetValue(name, out var legacy) ? legacy.Code : 0;
        error.FastSetProperty("code", new PropertyDescriptor(JsNumber.Create(code), PropertyFlag.NonEnumerable));
        Invariant.Assert(error.Get("message") is JsString);
        return error;
    }
}
