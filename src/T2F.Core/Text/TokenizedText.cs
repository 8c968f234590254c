namespace T2F.Core.Text;

/// <summary>The token ids of one text: <c>[CLS]</c>, word pieces, <c>[SEP]</c>.</summary>
/// <param name="Ids">The ids, <c>[CLS]</c> first and <c>[SEP]</c> last.</param>
/// <param name="Truncated">True when word pieces were cut to fit the maximum length.</param>
public sealed record TokenizedText(IReadOnlyList<int> Ids, bool Truncated);
