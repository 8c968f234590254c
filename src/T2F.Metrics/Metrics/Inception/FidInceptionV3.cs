using T2F.Core.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Metrics.Inception;

/// <summary>
/// The InceptionV3 of FID (pytorch-fid's <c>fid_inception_v3</c>: torchvision's Inception3 with 1008 classes, no
/// auxiliary head, and the FIDInceptionA/C/E blocks). Module names are the state-dict keys of
/// <c>pt_inception-2015-12-05-6726825d.pth</c> (<c>Conv2d_1a_3x3.conv.weight</c>, <c>Mixed_5b.branch1x1.bn.running_mean</c>,
/// ..., <c>fc.weight</c>), so loading that file is a plain name match. Input: [N, 3, 299, 299] in [-1, 1].
/// </summary>
public sealed class FidInceptionV3 : Module<Tensor, Tensor>
{
    /// <summary>Classes of the TF graph's classifier (1008, not 1000).</summary>
    public const int ClassCount = 1008;

    /// <summary>Length of the pool features (FID's default, "pool3").</summary>
    public const int PoolFeatureSize = 2048;

    /// <summary>Input resolution.</summary>
    public const int InputSize = 299;

    // RegisterComponents names each submodule after its field, so these fields carry pytorch-fid's state-dict keys
    // (Conv2d_1a_3x3.conv.weight, Mixed_5b.branch1x1...) rather than the repository's camelCase.
#pragma warning disable IDE1006
    private readonly BasicConv2d Conv2d_1a_3x3;
    private readonly BasicConv2d Conv2d_2a_3x3;
    private readonly BasicConv2d Conv2d_2b_3x3;
    private readonly BasicConv2d Conv2d_3b_1x1;
    private readonly BasicConv2d Conv2d_4a_3x3;
    private readonly FidInceptionA Mixed_5b;
    private readonly FidInceptionA Mixed_5c;
    private readonly FidInceptionA Mixed_5d;
    private readonly InceptionB Mixed_6a;
    private readonly FidInceptionC Mixed_6b;
    private readonly FidInceptionC Mixed_6c;
    private readonly FidInceptionC Mixed_6d;
    private readonly FidInceptionC Mixed_6e;
    private readonly InceptionD Mixed_7a;
    private readonly FidInceptionE Mixed_7b;
    private readonly FidInceptionE Mixed_7c;
#pragma warning restore IDE1006
    private readonly Linear fc;

    /// <summary>Creates the network with torchvision's default initialisation (load weights before use).</summary>
    public FidInceptionV3()
        : base(nameof(FidInceptionV3))
    {
        Conv2d_1a_3x3 = new BasicConv2d(3, 32, 3, stride: 2);
        Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3);
        Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, padding: 1);
        Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1);
        Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3);
        Mixed_5b = new FidInceptionA(192, poolFeatures: 32);
        Mixed_5c = new FidInceptionA(256, poolFeatures: 64);
        Mixed_5d = new FidInceptionA(288, poolFeatures: 64);
        Mixed_6a = new InceptionB(288);
        Mixed_6b = new FidInceptionC(768, channels7x7: 128);
        Mixed_6c = new FidInceptionC(768, channels7x7: 160);
        Mixed_6d = new FidInceptionC(768, channels7x7: 160);
        Mixed_6e = new FidInceptionC(768, channels7x7: 192);
        Mixed_7a = new InceptionD(768);
        Mixed_7b = new FidInceptionE(1280, maxPool: false);
        Mixed_7c = new FidInceptionE(2048, maxPool: true);
        fc = nn.Linear(PoolFeatureSize, ClassCount);
        RegisterComponents();
        ModuleLifetime.DetachFromDisposeScopes(this);
    }

    /// <summary>
    /// Loads the network from a PyTorch state dict such as pytorch-fid's <c>pt_inception-2015-12-05-6726825d.pth</c>
    /// (read with the project's safe unpickler; nothing in the file is executed). <c>num_batches_tracked</c> and the
    /// classifier <c>fc.*</c> may be absent (neither affects the pool features); every other tensor must be present
    /// with the right shape, else one <see cref="StateDictMismatchException"/> lists all differences.
    /// </summary>
    /// <param name="path">The .pth file.</param>
    public static FidInceptionV3 Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var root = PyTorchCheckpoint.Load(path);
        var stateDict = StateDictReader.ToStateDict(StateDictReader.TryGetEntry(root, "state_dict", out var inner) ? inner : root, path);
        var model = new FidInceptionV3();
        try
        {
            using var scope = torch.NewDisposeScope();
            var source = stateDict.ToTensors();
            foreach (var (key, tensor) in model.state_dict())
            {
                bool optional = key.EndsWith(".num_batches_tracked", StringComparison.Ordinal) || key.StartsWith("fc.", StringComparison.Ordinal);
                if (optional && !source.ContainsKey(key))
                {
                    source[key] = tensor.clone();
                }
            }


            ModuleStateLoader.Load(model, source, path);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>2048-d pool features ("pool3") of images already at 299x299 in [-1, 1].</summary>
    /// <param name="input">[N, 3, 299, 299].</param>
    /// <returns>[N, 2048].</returns>
    public override Tensor forward(Tensor input)
    {
        var blocks = ForwardBlocks(input);
        for (int i = 0; i < 3; i++)
        {
            blocks[i].Dispose();
        }

        using var pooled = blocks[3];
        return pooled.flatten(1);
    }

    /// <summary>
    /// The outputs of pytorch-fid's four blocks: [N, 64, 73, 73] (first max pool), [N, 192, 35, 35] (second max pool),
    /// [N, 768, 17, 17] (before the auxiliary classifier) and [N, 2048, 1, 1] (final average pool), for a 299x299 input.
    /// </summary>
    /// <param name="input">[N, 3, H, W] in [-1, 1] (299x299 for FID).</param>
    public Tensor[] ForwardBlocks(Tensor input)
    {
        TensorShapes.Expect(input, 4, "FidInceptionV3 input", "[N, 3, H, W]");
        TensorShapes.ExpectDim(input, 1, 3, "FidInceptionV3 input", "[N, 3, H, W]");
        using var scope = torch.NewDisposeScope();
        var x = Conv2d_1a_3x3.forward(input);        // [N, 32, 149, 149]
        x = Conv2d_2a_3x3.forward(x);                // [N, 32, 147, 147]
        x = Conv2d_2b_3x3.forward(x);                // [N, 64, 147, 147]
        var block0 = InceptionPooling.MaxPool3x3Stride2(x);   // [N, 64, 73, 73]
        x = Conv2d_3b_1x1.forward(block0);           // [N, 80, 73, 73]
        x = Conv2d_4a_3x3.forward(x);                // [N, 192, 71, 71]
        var block1 = InceptionPooling.MaxPool3x3Stride2(x);   // [N, 192, 35, 35]
        x = Mixed_5b.forward(block1);                // [N, 256, 35, 35]
        x = Mixed_5c.forward(x);                     // [N, 288, 35, 35]
        x = Mixed_5d.forward(x);                     // [N, 288, 35, 35]
        x = Mixed_6a.forward(x);                     // [N, 768, 17, 17]
        x = Mixed_6b.forward(x);
        x = Mixed_6c.forward(x);
        x = Mixed_6d.forward(x);
        var block2 = Mixed_6e.forward(x);            // [N, 768, 17, 17]
        x = Mixed_7a.forward(block2);                // [N, 1280, 8, 8]
        x = Mixed_7b.forward(x);                     // [N, 2048, 8, 8]
        x = Mixed_7c.forward(x);                     // [N, 2048, 8, 8]
        var block3 = nn.functional.adaptive_avg_pool2d(x, new long[] { 1, 1 });  // [N, 2048, 1, 1]
        return new[] { block0.MoveToOuterDisposeScope(), block1.MoveToOuterDisposeScope(), block2.MoveToOuterDisposeScope(), block3.MoveToOuterDisposeScope() };
    }
}
