namespace T2F.Core.Data;

/// <summary>
/// Where the parts of a CelebA-style data set folder are. <see cref="Detect"/> knows CelebA
/// (<c>img_align_celeba/</c>, <c>list_attr_celeba.txt</c> at the top or in <c>Anno/</c>, <c>list_eval_partition.txt</c>
/// at the top or in <c>Eval/</c>), Kaggle's CelebA (<c>img_align_celeba/img_align_celeba/</c>, <c>.csv</c> lists),
/// CelebAMask-HQ / Multi-Modal-CelebA-HQ (<c>CelebA-HQ-img/</c>, <c>CelebAMask-HQ-attribute-anno.txt</c>,
/// <c>celeba-caption/</c>), Text2FaceGAN captions (<c>caps.txt</c>) and SynthFaces output.
/// </summary>
/// <param name="Root">The data set folder.</param>
/// <param name="ImageFolder">Folder of the images.</param>
/// <param name="AttributeFile">The attribute list.</param>
/// <param name="PartitionFile">The partition list, when there is one.</param>
/// <param name="CaptionFile">A Text2FaceGAN caption file, when there is one.</param>
/// <param name="CaptionFolder">A folder of per-image caption files, when there is one.</param>
public sealed record CelebAFolderLayout(string Root, string ImageFolder, string AttributeFile, string? PartitionFile, string? CaptionFile, string? CaptionFolder)
{
    private static readonly string[] ImageFolderNames = ["img_align_celeba/img_align_celeba", "img_align_celeba", "img_celeba", "CelebA-HQ-img", "images", "Img/img_align_celeba", "."];
    private static readonly string[] AttributeFileNames = ["list_attr_celeba.txt", "Anno/list_attr_celeba.txt", "CelebAMask-HQ-attribute-anno.txt", "list_attr_celeba.csv"];
    private static readonly string[] PartitionFileNames = ["list_eval_partition.txt", "Eval/list_eval_partition.txt", "list_eval_partition.csv"];
    private static readonly string[] CaptionFileNames = ["caps.txt", "captions.txt"];
    private static readonly string[] CaptionFolderNames = ["celeba-caption", "text", "captions"];

    /// <summary>Finds the parts of the data set in <paramref name="folder"/>.</summary>
    /// <param name="folder">The data set folder.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">No attribute list was found; the message lists where it was looked for.</exception>
    public static CelebAFolderLayout Detect(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Data set folder {root} does not exist.");
        }

        string attributes = First(root, AttributeFileNames, File.Exists)
            ?? throw new FileNotFoundException($"{root} has no attribute list; looked for {string.Join(", ", AttributeFileNames)}. Put CelebA's list_attr_celeba.txt there (or render SynthFaces into the folder).");
        string images = First(root, ImageFolderNames, Directory.Exists) ?? root;
        return new CelebAFolderLayout(root, images, attributes, First(root, PartitionFileNames, File.Exists), First(root, CaptionFileNames, File.Exists), First(root, CaptionFolderNames, Directory.Exists));
    }

    private static string? First(string root, string[] candidates, Func<string, bool> exists)
    {
        foreach (var c in candidates)
        {
            string path = Path.GetFullPath(Path.Combine(root, c));
            if (exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
