using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using T2F.Core.Torch;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// face-api's age and gender network (<c>ageGenderNet/AgeGenderNet.ts</c>): TinyXception with 2 main blocks on a
/// 112x112 input → 7x7x512 → average pool → <c>fc.age</c> (512 → 1, years) and <c>fc.gender</c> (512 → 2, softmax over
/// male, female). Trained by the face-api.js author on UTK, FGNET, Chalearn, Wiki, IMDB, CACD and MegaAge (several
/// research-only datasets); reported MAE 4.54 years, gender accuracy 95 %. State-dict keys are the TF.js names
/// with '/' → '.' (<c>entry_flow.conv_in.filters</c>, <c>middle_flow.main_block_0.separable_conv0.bias</c>, ...).
/// </summary>
public sealed class AgeGenderNet : Module<Tensor, AgeGenderPrediction>
{
    /// <summary>Input size.</summary>
    public const int InputSize = 112;

    private readonly ModuleDict<Module<Tensor, Tensor>> entry_flow;
    private readonly ModuleDict<Module<Tensor, Tensor>> middle_flow;
    private readonly ModuleDict<Module<Tensor, Tensor>> exit_flow;
    private readonly ModuleDict<Module<Tensor, Tensor>> fc;

    /// <summary>Creates the network with placeholder weights (use <see cref="Load"/>).</summary>
    public AgeGenderNet()
        : base(nameof(AgeGenderNet))
    {
        entry_flow = nn.ModuleDict<Module<Tensor, Tensor>>(
            ("conv_in", new TfConv2d(3, 32, 3, 2, TfPadding.Same)),
            ("reduction_block_0", new XceptionReductionBlock(32, 64, activateInput: false)),
            ("reduction_block_1", new XceptionReductionBlock(64, 128, activateInput: true)));
        middle_flow = nn.ModuleDict<Module<Tensor, Tensor>>(
            ("main_block_0", new XceptionMainBlock(128)),
            ("main_block_1", new XceptionMainBlock(128)));
        exit_flow = nn.ModuleDict<Module<Tensor, Tensor>>(
            ("reduction_block", new XceptionReductionBlock(128, 256, activateInput: true)),
            ("separable_conv", new TfSeparableConv2d(256, 512)));
        fc = nn.ModuleDict<Module<Tensor, Tensor>>(
            ("age", new TfFullyConnected(512, 1)),
            ("gender", new TfFullyConnected(512, 2)));
        RegisterComponents();
        ModuleLifetime.DetachFromDisposeScopes(this);
        eval();
    }

    /// <summary>Loads the network from TF.js weights (<c>age_gender_model-weights_manifest.json</c> + .bin).</summary>
    /// <param name="weights">The weights.</param>
    public static AgeGenderNet Load(TfJsWeightMap weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var net = new AgeGenderNet();
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

    /// <summary>The 7x7x512 TinyXception features of a padded, resized input.</summary>
    /// <param name="netInput">[N, 3, 112, 112] RGB in 0..255.</param>
    /// <returns>[N, 512, 7, 7].</returns>
    public Tensor Features(Tensor netInput)
    {
        TensorShapes.Expect(netInput, 4, "AgeGenderNet input", "[N, 3, 112, 112] in 0..255");
        using var scope = torch.NewDisposeScope();
        var x = FaceApiPreprocessing.Normalize(netInput);
        x = nn.functional.relu(entry_flow["conv_in"].forward(x));   // [N, 32, 56, 56]
        x = entry_flow["reduction_block_0"].forward(x);              // [N, 64, 28, 28]
        x = entry_flow["reduction_block_1"].forward(x);              // [N, 128, 14, 14]
        x = middle_flow["main_block_1"].forward(middle_flow["main_block_0"].forward(x));
        x = exit_flow["reduction_block"].forward(x);                 // [N, 256, 7, 7]
        x = nn.functional.relu(exit_flow["separable_conv"].forward(x)); // [N, 512, 7, 7]
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Age and gender of a padded, resized input.</summary>
    /// <param name="netInput">[N, 3, 112, 112] RGB in 0..255.</param>
    public override AgeGenderPrediction forward(Tensor netInput)
    {
        using var scope = torch.NewDisposeScope();
        var features = Features(netInput);

        // avgPool 7x7 stride 2 VALID on 7x7: the global mean.
        var pooled = features.mean(new long[] { 2, 3 });
        var age = fc["age"].forward(pooled).reshape(-1);
        var gender = nn.functional.softmax(fc["gender"].forward(pooled), 1);
        return new AgeGenderPrediction(age.MoveToOuterDisposeScope(), gender.MoveToOuterDisposeScope());
    }

    /// <summary>Age and gender of face crops of any size (padded to a square and legacy-resized to 112; no gradients).</summary>
    /// <param name="images">[N, 3, H, W] RGB in 0..255.</param>
    public AgeGenderPrediction Predict(Tensor images)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var prediction = forward(FaceApiPreprocessing.ToNetInput(images, InputSize));
        prediction.Age.MoveToOuterDisposeScope();
        prediction.Gender.MoveToOuterDisposeScope();
        return prediction;
    }
}
