using T2F.Core.Ops.Convolution;

namespace T2F.Core.Ops;

/// <summary>
/// How the custom ops run: an immutable set of choices that <see cref="OpSettings"/> holds as the process default and as
/// scopes (<see cref="OpSettings.Use(OpOptions)"/>). Derive a variant with <c>with</c>:
/// <c>OpSettings.Current with { Backend = OpBackend.Reference }</c>.
/// </summary>
public sealed record OpOptions
{
    /// <summary>
    /// Which implementation the ops use (default <see cref="OpBackend.Auto"/>). <see cref="OpBackend.Reference"/>
    /// reproduces the reference PyTorch code as closely as possible; the golden parity tests run every backend.
    /// </summary>
    public OpBackend Backend { get; init; } = OpBackend.Auto;

    /// <summary>
    /// How float32 CPU convolutions run (default <see cref="Convolution.ConvolutionRoute.Auto"/>: the numerics self-check picks
    /// the fastest exact route once per process; the process default starts from <c>T2F_CONV_ROUTE</c>).
    /// <see cref="Convolution.ConvolutionRoute.OneDnnDisabled"/> switches libtorch's oneDNN off for the whole process: a scope
    /// that selects it keeps oneDNN off for everyone until it ends (other routes stay exact there, but get slower and are not
    /// bit-identical to their oneDNN results).
    /// </summary>
    public ConvolutionRoute ConvolutionRoute { get; init; } = ConvolutionRoute.Auto;

    /// <summary>How StyleGAN2's 2x up-sampling convolution is computed (default <see cref="Convolution.UpsampleFormulation.Transposed"/>;
    /// see docs/correct-on-every-cpu.md for the measurements behind the default).</summary>
    public UpsampleFormulation UpsampleFormulation { get; init; } = UpsampleFormulation.Transposed;
}
