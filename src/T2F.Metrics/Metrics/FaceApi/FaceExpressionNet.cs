using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// face-api's expression network (<c>faceExpressionNet/FaceExpressionNet.ts</c>): four dense blocks (32, 64, 128,
/// 256 channels; 112 → 7) → average pool → <c>fc</c> (256 → 7) → softmax over <see cref="Labels"/>. Trained by the
/// face-api.js author on "publicly available datasets and scraped images". State-dict keys are the TF.js names with
/// '/' → '.' (<c>dense0.conv0.filters</c>, <c>dense1.conv0.depthwise_filter</c>, <c>fc.weights</c>, ...).
/// </summary>
public sealed class FaceExpressionNet : Module<Tensor, Tensor>
{
    /// <summary>Input size.</summary>
    public const int InputSize = 112;

    /// <summary>The classes, in output order.</summary>
    public static readonly IReadOnlyList<string> Labels = new[] { "neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised" };

    private readonly DenseBlock4 dense0;
    private readonly DenseBlock4 dense1;
    private readonly DenseBlock4 dense2;
    private readonly DenseBlock4 dense3;
    private readonly TfFullyConnected fc;

    /// <summary>Creates the network with placeholder weights (use <see cref="Load"/>).</summary>
    public FaceExpressionNet()
        : base(nameof(FaceExpressionNet))
    {
        dense0 = new DenseBlock4(3, 32, isFirstLayer: true);
        dense1 = new DenseBlock4(32, 64, isFirstLayer: false);
        dense2 = new DenseBlock4(64, 128, isFirstLayer: false);
        dense3 = new DenseBlock4(128, 256, isFirstLayer: false);
        fc = new TfFullyConnected(256, Labels.Count);
        RegisterComponents();
        ModuleLifetime.DetachFromDisposeScopes(this);
        eval();
    }

    /// <summary>Loads the network from TF.js weights (<c>face_expression_model-weights_manifest.json</c> + .bin).</summary>
    /// <param name="weights">The weights.</param>
    public static FaceExpressionNet Load(TfJsWeightMap weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var net = new FaceExpressionNet();
        try
        {
            TfJsModuleLoader.Load(net, weights);
            return net;
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>The 256-d pooled features of a padded, resized input.</summary>
    /// <param name="netInput">[N, 3, 112, 112] RGB in 0..255.</param>
    /// <returns>[N, 256].</returns>
    public Tensor Features(Tensor netInput)
    {
        TensorShapes.Expect(netInput, 4, "FaceExpressionNet input", "[N, 3, 112, 112] in 0..255");
        using var scope = torch.NewDisposeScope();
        var x = FaceApiPreprocessing.Normalize(netInput);
        x = dense0.forward(x);   // [N, 32, 56, 56]
        x = dense1.forward(x);   // [N, 64, 28, 28]
        x = dense2.forward(x);   // [N, 128, 14, 14]
        x = dense3.forward(x);   // [N, 256, 7, 7]

        // avgPool 7x7 stride 2 VALID on 7x7: the global mean.
        return x.mean(new long[] { 2, 3 }).MoveToOuterDisposeScope();
    }

    /// <summary>Expression probabilities of a padded, resized input.</summary>
    /// <param name="netInput">[N, 3, 112, 112] RGB in 0..255.</param>
    /// <returns>[N, 7] softmax over <see cref="Labels"/>.</returns>
    public override Tensor forward(Tensor netInput)
    {
        using var scope = torch.NewDisposeScope();
        return nn.functional.softmax(fc.forward(Features(netInput)), 1).MoveToOuterDisposeScope();
    }

    /// <summary>Expression probabilities of face crops of any size (padded to a square and legacy-resized to 112; no gradients).</summary>
    /// <param name="images">[N, 3, H, W] RGB in 0..255.</param>
    /// <returns>[N, 7] softmax over <see cref="Labels"/>.</returns>
    public Tensor Predict(Tensor images)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return forward(FaceApiPreprocessing.ToNetInput(images, InputSize)).MoveToOuterDisposeScope();
    }
}
