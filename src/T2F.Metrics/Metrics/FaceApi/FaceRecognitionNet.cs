using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// face-api's face recognition network (<c>faceRecognitionNet/FaceRecognitionNet.ts</c>, @vladmandic/face-api 1.7.15):
/// dlib's <c>dlib_face_recognition_resnet_model_v1</c>, a half-width ResNet with 29 conv layers, trained by Davis King
/// (99.38 % on LFW). 150x150 input → 128-d descriptor, <b>not</b> L2-normalised (norm about 1.3-1.5); two faces are
/// the same person when the Euclidean distance is below 0.6 (dlib's convention). State-dict keys are the TF.js
/// weight names with '/' → '.'.
/// </summary>
public sealed class FaceRecognitionNet : Module<Tensor, Tensor>
{
    /// <summary>Input size.</summary>
    public const int InputSize = 150;

    /// <summary>Descriptor length.</summary>
    public const int DescriptorSize = 128;

    private readonly ScaledConvLayer conv32_down;
    private readonly ResidualLayer conv32_1;
    private readonly ResidualLayer conv32_2;
    private readonly ResidualLayer conv32_3;
    private readonly ResidualLayer conv64_down;
    private readonly ResidualLayer conv64_1;
    private readonly ResidualLayer conv64_2;
    private readonly ResidualLayer conv64_3;
    private readonly ResidualLayer conv128_down;
    private readonly ResidualLayer conv128_1;
    private readonly ResidualLayer conv128_2;
    private readonly ResidualLayer conv256_down;
    private readonly ResidualLayer conv256_1;
    private readonly ResidualLayer conv256_2;
    private readonly ResidualLayer conv256_down_out;
    private readonly Parameter fc;

    /// <summary>Creates the network with placeholder weights (use <see cref="Load"/>).</summary>
    public FaceRecognitionNet()
        : base(nameof(FaceRecognitionNet))
    {
        conv32_down = new ScaledConvLayer(3, 32, 7, 2, TfPadding.Valid, relu: true);
        conv32_1 = new ResidualLayer(32, 32, down: false);
        conv32_2 = new ResidualLayer(32, 32, down: false);
        conv32_3 = new ResidualLayer(32, 32, down: false);
        conv64_down = new ResidualLayer(32, 64, down: true);
        conv64_1 = new ResidualLayer(64, 64, down: false);
        conv64_2 = new ResidualLayer(64, 64, down: false);
        conv64_3 = new ResidualLayer(64, 64, down: false);
        conv128_down = new ResidualLayer(64, 128, down: true);
        conv128_1 = new ResidualLayer(128, 128, down: false);
        conv128_2 = new ResidualLayer(128, 128, down: false);
        conv256_down = new ResidualLayer(128, 256, down: true);
        conv256_1 = new ResidualLayer(256, 256, down: false);
        conv256_2 = new ResidualLayer(256, 256, down: false);
        conv256_down_out = new ResidualLayer(256, 256, down: true);
        fc = new Parameter(torch.zeros(256, DescriptorSize), requires_grad: false);
        register_parameter("fc", fc);
        RegisterComponents();
        ModuleLifetime.DetachFromDisposeScopes(this);
        eval();
    }

    /// <summary>Loads the network from TF.js weights (<c>face_recognition_model-weights_manifest.json</c> + .bin).</summary>
    /// <param name="weights">The weights.</param>
    public static FaceRecognitionNet Load(TfJsWeightMap weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var net = new FaceRecognitionNet();
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

    /// <summary>Descriptors of images already padded and resized to 150x150 (see <see cref="FaceApiPreprocessing.ToNetInput"/>).</summary>
    /// <param name="netInput">[N, 3, 150, 150] RGB in 0..255.</param>
    /// <returns>[N, 128].</returns>
    public override Tensor forward(Tensor netInput)
    {
        TensorShapes.Expect(netInput, 4, "FaceRecognitionNet input", "[N, 3, 150, 150] in 0..255");
        TensorShapes.ExpectDim(netInput, 1, 3, "FaceRecognitionNet input", "[N, 3, 150, 150] in 0..255");
        using var scope = torch.NewDisposeScope();
        var x = FaceApiPreprocessing.Normalize(netInput);
        x = conv32_down.forward(x);                        // [N, 32, 72, 72]
        x = nn.functional.max_pool2d(x, 3, 2);             // [N, 32, 35, 35]
        x = conv32_3.forward(conv32_2.forward(conv32_1.forward(x)));
        x = conv64_down.forward(x);                        // [N, 64, 17, 17]
        x = conv64_3.forward(conv64_2.forward(conv64_1.forward(x)));
        x = conv128_down.forward(x);                       // [N, 128, 8, 8]
        x = conv128_2.forward(conv128_1.forward(x));
        x = conv256_down.forward(x);                       // [N, 256, 4, 4]
        x = conv256_2.forward(conv256_1.forward(x));
        x = conv256_down_out.forward(x);                   // [N, 256, 2, 2]
        var pooled = x.mean(new long[] { 2, 3 });          // [N, 256]
        return pooled.matmul(fc).MoveToOuterDisposeScope(); // [N, 128], no bias
    }

    /// <summary>Descriptors of face crops of any size: pad to a square, legacy-resize to 150, run the net (no gradients).</summary>
    /// <param name="images">[N, 3, H, W] RGB in 0..255 (use <see cref="FaceApiPreprocessing.FromSigned"/> for [-1, 1]).</param>
    /// <returns>[N, 128].</returns>
    public Tensor ComputeDescriptors(Tensor images)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return forward(FaceApiPreprocessing.ToNetInput(images, InputSize)).MoveToOuterDisposeScope();
    }
}
