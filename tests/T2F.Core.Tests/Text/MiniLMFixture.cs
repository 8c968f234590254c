using T2F.Core.Text;
using T2F.Models.MiniLM;
using Xunit;

namespace T2F.Core.Tests.Text;

/// <summary>all-MiniLM-L6-v2 loaded once for every test class of the collection.</summary>
public sealed class MiniLMFixture : IDisposable
{
    public MiniLMFixture()
    {
        Encoder = MiniLM.LoadEncoder();
    }

    public BertTextEncoder Encoder { get; }

    public void Dispose() => Encoder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class MiniLMCollection : ICollectionFixture<MiniLMFixture>
{
    public const string Name = "MiniLM";
}
