using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>Result of <see cref="StyleGan2Losses.PathLength"/>.</summary>
/// <param name="Penalty">Scalar penalty (with graph).</param>
/// <param name="MeanPathLength">Updated running mean (detached): pass it to the next call.</param>
/// <param name="PathLengths">Per-sample path lengths [B].</param>
public sealed record PathLengthResult(Tensor Penalty, Tensor MeanPathLength, Tensor PathLengths);
