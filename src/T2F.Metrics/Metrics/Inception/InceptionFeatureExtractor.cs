using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics.Inception;

/// <summary>
/// FID features: images in [-1, 1] are resized to 299x299 (bilinear, <c>align_corners=False</c>, as pytorch-fid's
/// <c>F.interpolate</c>; pytorch-fid resizes [0, 1] images and then maps them to [-1, 1], which is the same because
/// both steps are affine) and passed through <see cref="FidInceptionV3"/>; the result is the 2048-d pool features.
/// </summary>
public sealed class InceptionFeatureExtractor : IFeatureExtractor
{
    private readonly FidInceptionV3 model;
    private readonly bool ownsModel;

    /// <summary>Wraps a network.</summary>
    /// <param name="model">The network (with weights loaded).</param>
    /// <param name="name">Name reported beside the numbers.</param>
    /// <param name="ownsModel">Whether <see cref="Dispose"/> disposes the network.</param>
    public InceptionFeatureExtractor(FidInceptionV3 model, string name = "InceptionV3 (pytorch-fid FID variant) pool3", bool ownsModel = true)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.model.eval();
        Name = name;
        this.ownsModel = ownsModel;
    }

    /// <summary>Loads pytorch-fid's weights (<c>pt_inception-2015-12-05-6726825d.pth</c>) from a file the user supplies.</summary>
    /// <param name="path">The .pth file.</param>
    public static InceptionFeatureExtractor Load(string path)
        => new(FidInceptionV3.Load(path), $"InceptionV3 (pytorch-fid FID variant, {Path.GetFileName(path)}) pool3");

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int FeatureSize => FidInceptionV3.PoolFeatureSize;

    /// <summary>The network.</summary>
    public FidInceptionV3 Model => model;

    /// <inheritdoc />
    public Tensor Extract(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3)
        {
            throw new ArgumentException($"Images: expected [N, 3, H, W] in [-1, 1], got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = images.to(ScalarType.Float32);
        if (x.shape[2] != FidInceptionV3.InputSize || x.shape[3] != FidInceptionV3.InputSize)
        {
            x = nn.functional.interpolate(x, new long[] { FidInceptionV3.InputSize, FidInceptionV3.InputSize }, mode: InterpolationMode.Bilinear, align_corners: false);
        }

        return model.forward(x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsModel)
        {
            model.Dispose();
        }
    }
}
