namespace T2F.Core.Ops;

/// <summary>One row of the modulated convolution's spec table (<see cref="ModulatedConvSpec"/>): one layer's geometry; x, weight and styles are drawn from the name.</summary>
/// <param name="Name">Unique name, also the inputs' seed.</param>
/// <param name="Batch">B.</param>
/// <param name="InChannels">I.</param>
/// <param name="OutChannels">O.</param>
/// <param name="Size">H = W of the input.</param>
/// <param name="KernelSize">K.</param>
/// <param name="Demodulate">Whether output channels are demodulated.</param>
/// <param name="Upsample">2x up-sampling (transposed convolution + blur).</param>
/// <param name="Downsample">2x down-sampling (blur + stride 2).</param>
/// <param name="Why">What the case covers.</param>
internal sealed record ModulatedConvCase(string Name, int Batch, int InChannels, int OutChannels, int Size, int KernelSize, bool Demodulate, bool Upsample, bool Downsample, string Why)
{
    /// <summary>The input [B, I, H, W], row-major.</summary>
    public float[] Input() => OpCaseInputs.Normal((long)Batch * InChannels * Size * Size, OpCaseInputs.Seed(Name));

    /// <summary>The shared weight [O, I, K, K], unscaled, row-major.</summary>
    public float[] Weight() => OpCaseInputs.Normal((long)OutChannels * InChannels * KernelSize * KernelSize, OpCaseInputs.Seed(Name) + 1);

    /// <summary>The styles [B, I] (the modulation's output).</summary>
    public float[] Styles() => OpCaseInputs.Normal((long)Batch * InChannels, OpCaseInputs.Seed(Name) + 2);

    /// <summary>Input shape.</summary>
    public long[] InputShape => [Batch, InChannels, Size, Size];

    /// <summary>Weight shape.</summary>
    public long[] WeightShape => [OutChannels, InChannels, KernelSize, KernelSize];

    /// <summary>The layer as the reports print it (the GPU check's timing rows match native/cuda/torch_timing.py by it).</summary>
    public string ShapeText => $"B{Batch} {InChannels}->{OutChannels} {Size}x{Size} k{KernelSize}{(Upsample ? " up" : Downsample ? " down" : string.Empty)}{(Demodulate ? string.Empty : " no demod")}";

    /// <inheritdoc />
    public override string ToString() => Name;
}
