namespace Convex.Sim.Functions.Library;

/// <summary>How engines run the library's value conversion (<c>convexToJson</c>, <c>jsonToConvex</c>).</summary>
public enum ValueConversion
{
    /// <summary>
    /// Recognised versions of the library functions call native implementations with the same
    /// results and errors (see <see cref="LibrarySubstitution"/>); unrecognised ones are interpreted.
    /// </summary>
    Native,

    /// <summary>The bundle's JavaScript runs as pushed, interpreted by Jint.</summary>
    Interpreted,
}
