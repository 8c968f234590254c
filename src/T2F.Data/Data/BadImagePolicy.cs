namespace T2F.Core.Data;

/// <summary>What a data set does with an image file that is missing or cannot be decoded.</summary>
public enum BadImagePolicy
{
    /// <summary>Throw a <see cref="FaceImageException"/> that names the file (default).</summary>
    Fail,

    /// <summary>Leave the image out, count it and remember its path (<see cref="FaceImageDataset.SkippedFiles"/>).</summary>
    Skip,
}
