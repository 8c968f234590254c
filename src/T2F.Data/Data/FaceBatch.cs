using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Data;

/// <summary>
/// A batch from <see cref="FaceDataLoader"/>: images [B, 3, R, R] float32 in [-1, 1] and, per image, attributes,
/// captions and file name. Owns <see cref="Images"/>: dispose the batch (or let an enclosing dispose scope do it).
/// </summary>
public sealed class FaceBatch : IDisposable
{
    internal FaceBatch(Tensor images, IReadOnlyList<FaceRecord> records, IReadOnlyList<int> indices, IReadOnlyList<bool> flipped)
    {
        Images = images;
        Records = records;
        Indices = indices;
        Flipped = flipped;
    }

    /// <summary>[B, 3, R, R] float32 in [-1, 1].</summary>
    public Tensor Images { get; }

    /// <summary>Number of faces B (smaller than the batch size for the last batch or after skipped images).</summary>
    public int Count => Records.Count;

    /// <summary>The faces (file, attributes, captions), in batch order.</summary>
    public IReadOnlyList<FaceRecord> Records { get; }

    /// <summary>Data set index of each face.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Whether each face was mirrored.</summary>
    public IReadOnlyList<bool> Flipped { get; }

    /// <summary>Attributes of each face.</summary>
    public IReadOnlyList<AttributeSet> Attributes => Records.Select(r => r.Attributes).ToArray();

    /// <summary>Captions of each face.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Captions => Records.Select(r => r.Captions).ToArray();

    /// <summary>A new [B, 40] float32 tensor, 1 where the attribute is present (CelebA column order).</summary>
    public Tensor AttributeLabels()
    {
        var labels = new float[Count * CelebAAttributes.Count];
        for (int i = 0; i < Count; i++)
        {
            Records[i].Attributes.CopyTo(labels.AsSpan(i * CelebAAttributes.Count, CelebAAttributes.Count));
        }

        return torch.tensor(labels, [Count, CelebAAttributes.Count]);
    }

    /// <summary>Frees the image tensor.</summary>
    public void Dispose() => Images.Dispose();
}
