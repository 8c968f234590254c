namespace T2F.Core.Text;

/// <summary>How a sequence of token vectors becomes one sentence vector.</summary>
public enum TextPooling
{
    /// <summary>Mean over the tokens of the attention mask ([CLS] and [SEP] included), as sentence-transformers does.</summary>
    Mean,

    /// <summary>The last hidden state of the [CLS] token.</summary>
    Cls,

    /// <summary>BERT's pooler output, <c>tanh(dense(h[CLS]))</c> (needs a model with <c>pooler.dense.*</c>).</summary>
    Pooler,
}
