using T2F.Core.Checkpoints;
using T2F.Core.Metrics.Inception;
using T2F.Core.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace T2F.Core.Tests.Metrics;

public sealed class FidInceptionV3Tests
{
    /// <summary>
    /// The tensors of pytorch-fid's pt_inception-2015-12-05-6726825d.pth, written out from its public source
    /// (src/pytorch_fid/inception.py: fid_inception_v3 = torchvision Inception3(num_classes=1008, aux_logits=False)
    /// with FIDInceptionA/C/E_1/E_2) and torchvision's inception.py: every BasicConv2d as (name, in, out, kh, kw).
    /// </summary>
    private static readonly (string Name, int In, int Out, int Kh, int Kw)[] Convs = BuildConvList();

    [Fact]
    public void StateDictKeysAndShapesAreThoseOfPytorchFid()
    {
        using var model = new FidInceptionV3();
        var actual = model.state_dict().Where(kv => !kv.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var expected = ExpectedStateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Empty(expected.Keys.Except(actual.Keys));
        Assert.Empty(actual.Keys.Except(expected.Keys));
        foreach (var (key, shape) in expected)
        {
            Assert.True(shape.SequenceEqual(actual[key]), $"{key}: [{string.Join(", ", actual[key])}], expected [{string.Join(", ", shape)}]");
        }

        Assert.Equal(94, Convs.Length);
        Assert.Equal((94 * 5) + 2, expected.Count);

        // torchvision's inception_v3 has 27,161,264 parameters; without AuxLogits (3,326,696) and with 1008 instead
        // of 1000 classes (+16,392) that is 23,850,960.
        long parameters = model.parameters().Sum(p => p.numel());
        Assert.Equal(23_850_960, parameters);
    }

    [Fact]
    public void BlockShapesFor299Input()
    {
        using var model = new FidInceptionV3();
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var input = (torch.rand(new long[] { 1, 3, 299, 299 }, generator: new torch.Generator(0)) * 2) - 1;
        var blocks = model.ForwardBlocks(input);
        Assert.Equal(new long[] { 1, 64, 73, 73 }, blocks[0].shape);
        Assert.Equal(new long[] { 1, 192, 35, 35 }, blocks[1].shape);
        Assert.Equal(new long[] { 1, 768, 17, 17 }, blocks[2].shape);
        Assert.Equal(new long[] { 1, 2048, 1, 1 }, blocks[3].shape);

        using var extractor = new InceptionFeatureExtractor(model, ownsModel: false);
        var features = extractor.Extract((torch.rand(2, 3, 64, 48) * 2) - 1);
        Assert.Equal(new long[] { 2, 2048 }, features.shape);
        Assert.True(features.isfinite().all().item<bool>());
    }

    [Fact]
    public void InnerBlockShapes()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var a = new FidInceptionA(192, 32);
        Assert.Equal(new long[] { 1, 256, 35, 35 }, a.forward(torch.rand(1, 192, 35, 35)).shape);
        using var b = new InceptionB(288);
        Assert.Equal(new long[] { 1, 768, 17, 17 }, b.forward(torch.rand(1, 288, 35, 35)).shape);
        using var c = new FidInceptionC(768, 128);
        Assert.Equal(new long[] { 1, 768, 17, 17 }, c.forward(torch.rand(1, 768, 17, 17)).shape);
        using var d = new InceptionD(768);
        Assert.Equal(new long[] { 1, 1280, 8, 8 }, d.forward(torch.rand(1, 768, 17, 17)).shape);
        using var e1 = new FidInceptionE(1280, maxPool: false);
        Assert.Equal(new long[] { 1, 2048, 8, 8 }, e1.forward(torch.rand(1, 1280, 8, 8)).shape);
        using var e2 = new FidInceptionE(2048, maxPool: true);
        Assert.Equal(new long[] { 1, 2048, 8, 8 }, e2.forward(torch.rand(1, 2048, 8, 8)).shape);
    }

    [Fact]
    public void AveragePoolIgnoresPaddingAndLastBlockUsesMaxPool()
    {
        // FIDInceptionA's pool on a constant image stays constant at the borders only when the padded zeros are not
        // counted (count_include_pad=False). Checked through a pool-only branch: a 1x1 identity conv, BN identity.
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var block = new FidInceptionA(1, 1);
        foreach (var (key, t) in block.state_dict())
        {
            if (key.StartsWith("branch_pool.conv", StringComparison.Ordinal))
            {
                t.fill_(1);
            }
        }

        block.eval();
        var x = torch.ones(1, 1, 5, 5);
        var pool = block.forward(x)[0, 64 + 64 + 96];
        var expectedValue = 1.0 / Math.Sqrt(1 + 0.001);
        Assert.True((pool - expectedValue).abs().max().item<float>() < 1e-5, "the average pool counted the padding");
    }

    [Fact]
    public void LoadsAStateDictWithPytorchFidNamesAndShapes()
    {
        // A stand-in for pt_inception-2015-12-05-6726825d.pth: every tensor by its name and shape, small random values,
        // written by our torch.save-compatible writer; with and without num_batches_tracked.
        using var temp = new TempFolder();
        foreach (bool withCounters in new[] { false, true })
        {
            var rng = new Random(withCounters ? 1 : 2);
            var stateDict = new List<KeyValuePair<string, TensorData>>();
            foreach (var (key, shape) in ExpectedStateDict())
            {
                long n = shape.Aggregate(1L, (p, s) => p * s);
                var values = new float[n];
                for (long i = 0; i < n; i++)
                {
                    values[i] = key.EndsWith("running_var", StringComparison.Ordinal) ? 1f + (float)rng.NextDouble() : (float)(rng.NextDouble() - 0.5) * 0.1f;
                }

                stateDict.Add(new(key, TensorData.FromFloats(values, shape)));
                if (withCounters && key.EndsWith(".bn.running_var", StringComparison.Ordinal))
                {
                    var counter = new byte[8];
                    BitConverter.TryWriteBytes(counter, 12345L);
                    stateDict.Add(new(key.Replace("running_var", "num_batches_tracked", StringComparison.Ordinal), new TensorData(TensorDataType.Int64, Array.Empty<long>(), counter)));
                }
            }

            string path = temp.File($"pt_inception-test-{withCounters}.pth");
            PyTorchCheckpointWriter.SaveStateDict(path, stateDict);
            using var model = FidInceptionV3.Load(path);
            var loaded = model.state_dict();
            var source = stateDict.First(kv => kv.Key == "Mixed_6e.branch7x7dbl_5.conv.weight").Value.ToFloatArray();
            using var target = loaded["Mixed_6e.branch7x7dbl_5.conv.weight"].contiguous();
            Assert.Equal(source, target.data<float>().ToArray());
            Assert.Equal(stateDict.First(kv => kv.Key == "fc.bias").Value.ToFloatArray(), loaded["fc.bias"].data<float>().ToArray());
        }
    }

    [Fact]
    public void MissingOrMisShapedTensorsAreListed()
    {
        using var temp = new TempFolder();
        var stateDict = ExpectedStateDict()
            .Where(kv => kv.Key != "Mixed_7c.branch_pool.bn.running_mean")
            .Select(kv => new KeyValuePair<string, TensorData>(kv.Key, TensorData.FromFloats(new float[kv.Value.Aggregate(1L, (p, s) => p * s)], kv.Value)))
            .ToList();
        int i = stateDict.FindIndex(kv => kv.Key == "Conv2d_1a_3x3.conv.weight");
        stateDict[i] = new(stateDict[i].Key, TensorData.FromFloats(new float[32 * 3 * 5 * 5], new long[] { 32, 3, 5, 5 }));
        string path = temp.File("broken.pth");
        PyTorchCheckpointWriter.SaveStateDict(path, stateDict);
        var ex = Assert.Throws<StateDictMismatchException>(() => FidInceptionV3.Load(path));
        Assert.Contains("Mixed_7c.branch_pool.bn.running_mean", ex.Message);
        Assert.Contains("Conv2d_1a_3x3.conv.weight", ex.Message);
    }

    private static IEnumerable<KeyValuePair<string, long[]>> ExpectedStateDict()
    {
        foreach (var (name, cin, cout, kh, kw) in Convs)
        {
            yield return new($"{name}.conv.weight", new long[] { cout, cin, kh, kw });
            foreach (var part in new[] { "weight", "bias", "running_mean", "running_var" })
            {
                yield return new($"{name}.bn.{part}", new long[] { cout });
            }
        }

        yield return new("fc.weight", new long[] { 1008, 2048 });
        yield return new("fc.bias", new long[] { 1008 });
    }

    private static (string, int, int, int, int)[] BuildConvList()
    {
        var list = new List<(string, int, int, int, int)>
        {
            ("Conv2d_1a_3x3", 3, 32, 3, 3), ("Conv2d_2a_3x3", 32, 32, 3, 3), ("Conv2d_2b_3x3", 32, 64, 3, 3),
            ("Conv2d_3b_1x1", 64, 80, 1, 1), ("Conv2d_4a_3x3", 80, 192, 3, 3),
        };
        foreach (var (block, cin, pool) in new[] { ("Mixed_5b", 192, 32), ("Mixed_5c", 256, 64), ("Mixed_5d", 288, 64) })
        {
            list.Add(($"{block}.branch1x1", cin, 64, 1, 1));
            list.Add(($"{block}.branch5x5_1", cin, 48, 1, 1));
            list.Add(($"{block}.branch5x5_2", 48, 64, 5, 5));
            list.Add(($"{block}.branch3x3dbl_1", cin, 64, 1, 1));
            list.Add(($"{block}.branch3x3dbl_2", 64, 96, 3, 3));
            list.Add(($"{block}.branch3x3dbl_3", 96, 96, 3, 3));
            list.Add(($"{block}.branch_pool", cin, pool, 1, 1));
        }

        list.Add(("Mixed_6a.branch3x3", 288, 384, 3, 3));
        list.Add(("Mixed_6a.branch3x3dbl_1", 288, 64, 1, 1));
        list.Add(("Mixed_6a.branch3x3dbl_2", 64, 96, 3, 3));
        list.Add(("Mixed_6a.branch3x3dbl_3", 96, 96, 3, 3));
        foreach (var (block, c7) in new[] { ("Mixed_6b", 128), ("Mixed_6c", 160), ("Mixed_6d", 160), ("Mixed_6e", 192) })
        {
            list.Add(($"{block}.branch1x1", 768, 192, 1, 1));
            list.Add(($"{block}.branch7x7_1", 768, c7, 1, 1));
            list.Add(($"{block}.branch7x7_2", c7, c7, 1, 7));
            list.Add(($"{block}.branch7x7_3", c7, 192, 7, 1));
            list.Add(($"{block}.branch7x7dbl_1", 768, c7, 1, 1));
            list.Add(($"{block}.branch7x7dbl_2", c7, c7, 7, 1));
            list.Add(($"{block}.branch7x7dbl_3", c7, c7, 1, 7));
            list.Add(($"{block}.branch7x7dbl_4", c7, c7, 7, 1));
            list.Add(($"{block}.branch7x7dbl_5", c7, 192, 1, 7));
            list.Add(($"{block}.branch_pool", 768, 192, 1, 1));
        }

        list.Add(("Mixed_7a.branch3x3_1", 768, 192, 1, 1));
        list.Add(("Mixed_7a.branch3x3_2", 192, 320, 3, 3));
        list.Add(("Mixed_7a.branch7x7x3_1", 768, 192, 1, 1));
        list.Add(("Mixed_7a.branch7x7x3_2", 192, 192, 1, 7));
        list.Add(("Mixed_7a.branch7x7x3_3", 192, 192, 7, 1));
        list.Add(("Mixed_7a.branch7x7x3_4", 192, 192, 3, 3));
        foreach (var (block, cin) in new[] { ("Mixed_7b", 1280), ("Mixed_7c", 2048) })
        {
            list.Add(($"{block}.branch1x1", cin, 320, 1, 1));
            list.Add(($"{block}.branch3x3_1", cin, 384, 1, 1));
            list.Add(($"{block}.branch3x3_2a", 384, 384, 1, 3));
            list.Add(($"{block}.branch3x3_2b", 384, 384, 3, 1));
            list.Add(($"{block}.branch3x3dbl_1", cin, 448, 1, 1));
            list.Add(($"{block}.branch3x3dbl_2", 448, 384, 3, 3));
            list.Add(($"{block}.branch3x3dbl_3a", 384, 384, 1, 3));
            list.Add(($"{block}.branch3x3dbl_3b", 384, 384, 3, 1));
            list.Add(($"{block}.branch_pool", cin, 192, 1, 1));
        }

        return list.ToArray();
    }
}
