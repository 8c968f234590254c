using T2F.Core.Imaging;
using static TorchSharp.torch;

namespace T2F.Core.Pipeline;

/// <summary>One generated face: the description it came from and the image [3, R, R] in [-1, 1] (owned; dispose it).</summary>
public sealed class GeneratedFace : IDisposable
{
    internal GeneratedFace(string description, int index, Tensor image)
    {
        Description = description;
        Index = index;
        Image = image;
    }

    /// <summary>The description.</summary>
    public string Description { get; }

    /// <summary>Which of the faces for this description (0-based).</summary>
    public int Index { get; }

    /// <summary>The image [3, R, R], values in about [-1, 1].</summary>
    public Tensor Image { get; }

    /// <summary>PNG bytes.</summary>
    public byte[] ToPng() => ImageTensor.ToPng(Image);

    /// <summary>Writes a PNG file atomically.</summary>
    /// <param name="path">Target file.</param>
    public void SavePng(string path) => ImageTensor.SavePng(Image, path);

    /// <inheritdoc />
    public void Dispose() => Image.Dispose();
}
