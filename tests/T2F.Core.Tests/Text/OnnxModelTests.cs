using T2F.Core.Checkpoints;
using Xunit;
using static T2F.Core.Tests.Text.OnnxBuilder;

namespace T2F.Core.Tests.Text;

/// <summary>The protobuf reader behind <see cref="OnnxModel"/>: fields, encodings, and damaged or unsupported files.</summary>
public sealed class OnnxModelTests
{
    [Fact]
    public void ReadsHeaderNodesAndInitializersInEveryEncoding()
    {
        byte[] bytes = Model(
            [Node("MatMul", ["x", "w"], ["y"], "mm"), Node("Add", ["y", "b"], ["z"])],
            [
                FloatTensor("w", [2, 3], [1, 2, 3, 4, 5, 6]),
                FloatTensor("b", [3], [0.5f, -1, 1e-12f], raw: false, packedDims: false),
                Int64Tensor("ids", [1, 4], [0, 1, -2, long.MaxValue]),
            ]);

        var model = OnnxModel.Read(bytes, "test.onnx");

        Assert.Equal(7, model.IrVersion);
        Assert.Equal("unit-test", model.ProducerName);
        Assert.Equal("test-graph", model.GraphName);
        Assert.Equal(13, model.Opsets[string.Empty]);
        Assert.Equal(2, model.Nodes.Count);
        Assert.Equal(new OnnxNode("mm", "MatMul", string.Empty, ["x", "w"], ["y"]).OpType, model.Nodes[0].OpType);
        Assert.Equal(["x", "w"], model.Nodes[0].Inputs);
        Assert.Equal(["z"], model.Nodes[1].Outputs);
        Assert.Equal(["w", "b", "ids"], model.Initializers.Keys);
        Assert.Equal([2L, 3L], model.Initializers["w"].Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], model.Initializers["w"].ToFloatArray());
        Assert.Equal([0.5f, -1, 1e-12f], model.Initializers["b"].ToFloatArray());
        Assert.Equal(TensorDataType.Int64, model.Initializers["ids"].DType);
        Assert.Equal([0f, 1, -2, long.MaxValue], model.Initializers["ids"].ToFloatArray());
    }

    [Fact]
    public void UnknownFieldsOfEveryWireTypeAreSkipped()
    {
        var graph = new ProtobufWriter()
            .Varint(99, 123456789)
            .Fixed32(98, 1.5f)
            .Raw(0x89, 0x06, 1, 2, 3, 4, 5, 6, 7, 8)   // field 97, wire type 1 (fixed64)
            .String(96, "ignored")
            .Message(5, FloatTensor("w", [1], [42f]));
        byte[] bytes = new ProtobufWriter().Varint(1, 8).Message(7, graph).String(20, "doc").ToArray();

        var model = OnnxModel.Read(bytes, "test.onnx");

        Assert.Equal([42f], model.Initializers["w"].ToFloatArray());
    }

    [Fact]
    public void ExternalDataIsRejectedWithTheTensorName()
    {
        var tensor = new ProtobufWriter().PackedVarints(1, [2]).Varint(2, 1).String(8, "big.weight")
            .Message(13, new ProtobufWriter().String(1, "location").String(2, "weights.bin")).Varint(14, 1);
        byte[] bytes = Model([], [tensor]);

        var ex = Assert.Throws<CheckpointFormatException>(() => OnnxModel.Read(bytes, "ext.onnx"));
        Assert.Contains("big.weight", ex.Message);
        Assert.Contains("external", ex.Message);
    }

    [Fact]
    public void TruncatedFilesFailWithAClearError()
    {
        byte[] bytes = Model([], [FloatTensor("w", [4], [1, 2, 3, 4])]);
        for (int cut = 1; cut < bytes.Length; cut += 7)
        {
            var ex = Assert.ThrowsAny<CheckpointFormatException>(() => OnnxModel.Read(bytes.AsMemory(0, cut), "cut.onnx"));
            Assert.Contains("cut.onnx", ex.Message);
        }
    }

    [Fact]
    public void DataOfTheWrongSizeNamesTheTensor()
    {
        byte[] bytes = Model([], [FloatTensor("w", [3], [1, 2])]);
        var ex = Assert.Throws<CheckpointFormatException>(() => OnnxModel.Read(bytes, "bad.onnx"));
        Assert.Contains("'w'", ex.Message);
    }

    [Fact]
    public void NotAnOnnxFileIsReported()
    {
        Assert.Throws<CheckpointFormatException>(() => OnnxModel.Read(new ProtobufWriter().Varint(1, 7).ToArray(), "empty.onnx"));
        Assert.Throws<CheckpointFormatException>(() => OnnxModel.Read(new byte[] { 0x0B, 0x00 }, "group.onnx"));          // wire type 3
        Assert.Throws<CheckpointFormatException>(() => OnnxModel.Read(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "varint.onnx"));
        Assert.Throws<CheckpointFormatException>(() => OnnxModel.Read(Model([], [new ProtobufWriter().PackedVarints(1, [1]).Varint(2, 8).String(8, "s")]), "string.onnx"));
    }
}
