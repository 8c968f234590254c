namespace T2F.Core.Data;

/// <summary>One row of <c>list_attr_celeba.txt</c>: an image file name and its attributes.</summary>
/// <param name="FileName">Image file name as written in the file, e.g. <c>000001.jpg</c>.</param>
/// <param name="Attributes">Present attributes (1 in the file); the rest were -1.</param>
public readonly record struct CelebAAttributeRow(string FileName, AttributeSet Attributes);
