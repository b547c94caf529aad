namespace Convex.Sim.Functions.Library;

/// <summary>A library function the runner has a native implementation of.</summary>
internal enum NativeFunctionKind
{
    /// <summary><c>convexToJsonInternal(value, originalValue, context, includeTopLevelUndefined)</c> in <c>values/value.js</c>.</summary>
    ConvexToJsonInternal,

    /// <summary><c>jsonToConvex(value)</c> in <c>values/value.js</c>.</summary>
    JsonToConvex,
}

/// <summary>
/// One verified version of a library function: the hashes of its canonical text alone
/// (<see cref="CanonicalCode.Local"/>, a cheap first filter) and of its closure
/// (<see cref="CanonicalCode.Closure"/>, the identity that matters).
/// </summary>
/// <param name="Marker">A string literal of the function's own text: a cheap filter that lets modules
/// without it (every user module) skip the fingerprinting; never a reason to substitute.</param>
internal sealed record KnownLibraryFunction(
    NativeFunctionKind Kind,
    string LibraryVersion,
    int ParameterCount,
    string Marker,
    string LocalHash,
    string ClosureHash)
{
    /// <summary>The non-enumerable property of the <c>Convex</c> global the substituted body calls.</summary>
    public string IntrinsicName => Kind switch
    {
        NativeFunctionKind.ConvexToJsonInternal => NativeValueConversion.ConvexToJsonInternalName,
        NativeFunctionKind.JsonToConvex => NativeValueConversion.JsonToConvexName,
    };
}

/// <summary>
/// The library versions whose value-conversion code the native implementations were checked
/// against (differentially, see NativeValueConversionTests). A bundle with any other code for
/// these functions runs the library's own JavaScript. To add a version: bundle an app with it,
/// print the hashes with <c>LibrarySubstitution.Find</c>'s canonical texts, read the diff of the
/// functions' closures against a known version, and run the conformance tests on it.
/// </summary>
internal static class KnownLibraryFunctions
{
    public static IReadOnlyList<KnownLibraryFunction> All { get; } =
    [
        new(NativeFunctionKind.ConvexToJsonInternal, "1.48.0", 4, "is not a valid Convex value",
            "4537a74c1fc0d97da9957185b90385c50fe6b35eded4b122aa0094c20b0211e1",
            "e93a4e29232e371f5429014d455ad2b71cf8a13755dd910a907492685e2935ff"),
        new(NativeFunctionKind.JsonToConvex, "1.48.0", 1, "Malformed $integer field on",
            "4ce1ab8f1408ebe1e77072d873d8264852ee350658f645f8ff21d22ebfcac3c8",
            "d6fb8fb21eabd077a5114b770fffb9783e8454530c8134666cd8b3297e0ca159"),
    ];
}
