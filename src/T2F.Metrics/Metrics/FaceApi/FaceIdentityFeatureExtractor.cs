using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// Face-identity features: the 128-d descriptors of face-api's recognition net (dlib ResNet) for images in [-1, 1].
/// The whole image is the face crop (padded to a square and resized to 150, as face-api does after alignment); that
/// suits centred, aligned faces such as the generator's output and CelebA's aligned crops. These are not FaceNet
/// descriptors: numbers computed with them are not comparable in absolute value with the paper's.
/// </summary>
public sealed class FaceIdentityFeatureExtractor : IFeatureExtractor
{
    private readonly FaceRecognitionNet net;
    private readonly bool ownsNet;

    /// <summary>Wraps a recognition net.</summary>
    /// <param name="net">The net (weights loaded).</param>
    /// <param name="ownsNet">Whether <see cref="Dispose"/> disposes the net.</param>
    public FaceIdentityFeatureExtractor(FaceRecognitionNet net, bool ownsNet = true)
    {
        this.net = net ?? throw new ArgumentNullException(nameof(net));
        this.ownsNet = ownsNet;
    }

    /// <inheritdoc />
    public string Name => "face-api 1.7.15 face_recognition_model (dlib ResNet, 128-d)";

    /// <inheritdoc />
    public int FeatureSize => FaceRecognitionNet.DescriptorSize;

    /// <summary>The recognition net.</summary>
    public FaceRecognitionNet Net => net;

    /// <inheritdoc />
    public Tensor Extract(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3)
        {
            throw new ArgumentException($"Images: expected [N, 3, H, W] in [-1, 1], got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        using var scope = torch.NewDisposeScope();
        return net.ComputeDescriptors(FaceApiPreprocessing.FromSigned(images)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsNet)
        {
            net.Dispose();
        }
    }
}
