using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Convex.Sim.Core;

/// <summary>
/// Always-on assertions (never stripped in Release). A violation means the program is wrong, not
/// that the input was bad: expected failures are typed errors (<see cref="ConvexException"/>).
/// In the simulator a violation crashes the simulated node and fails the seed.
/// </summary>
public static class Invariant
{
    public static void Assert(
        [DoesNotReturnIf(false)] bool condition,
        [CallerArgumentExpression(nameof(condition))] string expression = "")
    {
        if (!condition)
        {
            throw new InvariantViolationException(expression);
        }
    }

    [DoesNotReturn]
    public static void Unreachable(string why = "unreachable code reached") =>
        throw new InvariantViolationException(why);

    [DoesNotReturn]
    public static T Unreachable<T>(string why = "unreachable code reached") =>
        throw new InvariantViolationException(why);
}

/// <summary>Thrown by <see cref="Invariant"/>; never caught below the composition roots.</summary>
public sealed class InvariantViolationException(string expression)
    : Exception($"Invariant violated: {expression}");
