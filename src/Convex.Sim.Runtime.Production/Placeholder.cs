namespace Convex.Sim.Runtime.Production;
