using T2F.Core.Ops.Convolution;

namespace T2F.Core.Ops.Convolution;

/// <summary>What <see cref="ConvolutionRoute.Auto"/> resolved to in this process, and the self-checks behind it.</summary>
/// <param name="Route">The route every CPU float32 convolution takes.</param>
/// <param name="Checks">The self-check of each route tried, in the order tried (native first).</param>
/// <param name="Exact">False when no route passed the self-check: results on this CPU cannot be trusted.</param>
/// <param name="Message">One line saying what was detected and what was done.</param>
public sealed record ConvolutionRoutingDecision(ConvolutionRoute Route, IReadOnlyList<SelfCheckReport> Checks, bool Exact, string Message);
