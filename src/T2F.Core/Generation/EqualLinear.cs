using TorchSharp;
using TorchSharp.Modules;
using T2F.Core.Ops;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Generation;

/// <summary>
/// Linear layer with equalized learning rate (rosinality <c>model.py</c> <c>EqualLinear</c>): stores an unscaled <c>weight [out, in]</c> and
/// multiplies it by <c>lr_mul / sqrt(in)</c> at every call; the bias is multiplied by <c>lr_mul</c>.
/// With <c>activation</c> the bias is added inside the fused leaky ReLU.
/// </summary>
internal sealed class EqualLinear : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    /// <summary>Creates the layer with the reference initialisation (weight ~ N(0,1)/lr_mul, bias = biasInit).</summary>
    /// <param name="inDim">Input features.</param>
    /// <param name="outDim">Output features.</param>
    /// <param name="useBias">Whether the layer has a bias.</param>
    /// <param name="biasInit">Initial bias value.</param>
    /// <param name="lrMul">Learning-rate multiplier (0.01 in the mapping network).</param>
    /// <param name="activation">True for <c>activation="fused_lrelu"</c>.</param>
    public EqualLinear(int inDim, int outDim, bool useBias = true, float biasInit = 0f, float lrMul = 1f, bool activation = false)
        : base(nameof(EqualLinear))
    {
        InDim = inDim;
        OutDim = outDim;
        LrMul = lrMul;
        Activation = activation;
        Scale = lrMul / Math.Sqrt(inDim);
        // Scalars are disposed explicitly: TorchSharp's implicit double -> Scalar conversion leaves the Scalar to its
        // finalizer, which can free it while libtorch still reads it (seen once as a "toDouble" check failure).
        using var divisor = lrMul.ToScalar();
        weight = new Parameter(ParameterInit.Normal(outDim, inDim).div_(divisor));
        register_parameter("weight", weight);
        if (useBias)
        {
            bias = new Parameter(torch.full(outDim, biasInit));
            register_parameter("bias", bias);
        }
    }

    /// <summary>Input features.</summary>
    public int InDim { get; }

    /// <summary>Output features.</summary>
    public int OutDim { get; }

    /// <summary>Learning-rate multiplier.</summary>
    public float LrMul { get; }

    /// <summary>True when the output goes through the fused leaky ReLU.</summary>
    public bool Activation { get; }

    /// <summary>Runtime weight scale <c>lr_mul / sqrt(in)</c>.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        TensorShapes.ExpectDim(input, (int)input.dim() - 1, InDim, $"EqualLinear({InDim} -> {OutDim}) input", $"[..., {InDim}]");
        using var w = weight * Scale;
        if (Activation)
        {
            using var scaledBias = bias is null ? null : bias * LrMul;
            using var y = nn.functional.linear(input, w);
            return ModuleTrace.Report(this, BiasAct.Apply(y, scaledBias));
        }

        using var b = bias is null ? null : bias * LrMul;
        return ModuleTrace.Report(this, nn.functional.linear(input, w, b));
    }

    /// <inheritdoc />
    public override string ToString() => $"EqualLinear({InDim}, {OutDim}, lr_mul={LrMul}{(Activation ? ", fused_lrelu" : string.Empty)})";
}
