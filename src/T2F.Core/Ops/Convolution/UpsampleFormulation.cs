namespace T2F.Core.Ops.Convolution;

/// <summary>How the 2x up-sampling (stride-2 transposed) convolution of StyleGAN2's modulated conv is computed.</summary>
public enum UpsampleFormulation
{
    /// <summary>One <c>conv_transpose2d</c>, as the reference does.</summary>
    Transposed,

    /// <summary>
    /// Sub-pixel (polyphase) decomposition: the four output phases are ordinary convolutions of the input with the
    /// 2x2, 2x1, 1x2 and 1x1 sub-kernels of the 3x3 weight (the same multiply-adds as the transposed convolution),
    /// interleaved into the output. Avoids the transposed-convolution kernels entirely.
    /// </summary>
    SubPixel,
}
