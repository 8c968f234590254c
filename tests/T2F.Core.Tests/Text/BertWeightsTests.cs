using T2F.Core.Checkpoints;
using T2F.Core.Text;
using Xunit;
using static T2F.Core.Tests.Text.OnnxBuilder;

namespace T2F.Core.Tests.Text;

/// <summary>Name recovery for ONNX exports and Hugging Face state dicts.</summary>
public sealed class BertWeightsTests
{
    [Fact]
    public void OnnxMatMulWeightsAreNamedFromTheirBiasAndTransposed()
    {
        const string bias = "encoder.layer.0.attention.self.query.bias";
        byte[] bytes = Model(
            [
                Node("MatMul", ["hidden", "927"], ["mm_out"]),
                Node("Add", [bias, "mm_out"], ["q"]),        // bias first: the order of Add's inputs does not matter
                Node("MatMul", ["q", "1234"], ["scores"]),   // no Add after it: keeps its number
            ],
            [
                FloatTensor("927", [2, 3], [1, 2, 3, 4, 5, 6]),   // [in, out]
                FloatTensor(bias, [3], [0, 0, 0]),
                FloatTensor("1234", [3, 1], [7, 8, 9]),
                FloatTensor("embeddings.LayerNorm.weight", [2], [1, 1]),
                Int64Tensor("embeddings.position_ids", [1, 4], [0, 1, 2, 3]),
                Int64Tensor("onnx::Constant_12", [1], [12]),
            ]);

        var weights = BertWeights.FromOnnx(OnnxModel.Read(bytes, "test.onnx"));

        Assert.Equal(
            ["encoder.layer.0.attention.self.query.weight", bias, "1234", "embeddings.LayerNorm.weight"],
            weights.Keys);
        var w = weights["encoder.layer.0.attention.self.query.weight"];
        Assert.Equal([3L, 2L], w.Shape);                      // [out, in]
        Assert.Equal([1f, 4, 2, 5, 3, 6], w.ToFloatArray());
    }

    [Fact]
    public void HuggingFaceNamesLoseThePrefixHeadsAndBuffers()
    {
        var one = TensorData.FromFloats([1f], [1]);
        var stateDict = new Dictionary<string, TensorData>
        {
            ["bert.embeddings.word_embeddings.weight"] = one,
            ["bert.embeddings.position_ids"] = one,
            ["bert.encoder.layer.0.output.LayerNorm.gamma"] = one,
            ["bert.encoder.layer.0.output.LayerNorm.beta"] = one,
            ["cls.predictions.bias"] = one,
            ["classifier.weight"] = one,
            ["something.else"] = one,
        };

        var names = BertWeights.ToBertModelNames(stateDict).Keys.ToList();

        Assert.Equal(
            ["embeddings.word_embeddings.weight", "encoder.layer.0.output.LayerNorm.weight", "encoder.layer.0.output.LayerNorm.bias", "something.else"],
            names);
        Assert.Equal(["pooler.dense.weight"], BertWeights.ToBertModelNames(new Dictionary<string, TensorData> { ["pooler.dense.weight"] = one, ["cls.seq_relationship.weight"] = one }).Keys);
    }
}
