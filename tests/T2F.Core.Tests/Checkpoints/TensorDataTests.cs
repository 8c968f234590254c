using T2F.Core.Checkpoints;
using Xunit;

namespace T2F.Core.Tests.Checkpoints;

public sealed class TensorDataTests
{
    [Fact]
    public void FromFloatsKeepsValuesAndShape()
    {
        var t = TensorData.FromFloats([1.5f, -2f, 3f, 0f, 5f, 6f], [2, 3]);

        Assert.Equal(TensorDataType.Float32, t.DType);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(6, t.ElementCount);
        Assert.Equal(24, t.Data.Length);
        Assert.Equal(new[] { 1.5f, -2f, 3f, 0f, 5f, 6f }, t.ToFloatArray());
        Assert.Equal("Float32[2, 3]", t.ToString());
    }

    [Fact]
    public void ScalarHasOneElement()
    {
        var t = TensorData.FromFloats([7f], []);
        Assert.Equal(1, t.ElementCount);
        Assert.Equal(0, t.Rank);
    }

    [Fact]
    public void DataLengthMustMatchTheShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TensorData(TensorDataType.Float16, [2, 2], new byte[6]));
        Assert.Contains("needs 8 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TensorData.FromFloats([1f, 2f], [3]));
        Assert.Throws<ArgumentException>(() => new TensorData(TensorDataType.Float32, [-1], []));
    }

    [Fact]
    public void HalfConvertsExactly()
    {
        // 1, -2, 65504 (max), 2^-24 (smallest subnormal), -0, NaN
        ushort[] bits = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7E00];
        var t = new TensorData(TensorDataType.Float16, [6], bits.SelectMany(BitConverter.GetBytes).ToArray());

        float[] f = t.ToFloatArray();

        Assert.Equal(1f, f[0]);
        Assert.Equal(-2f, f[1]);
        Assert.Equal(65504f, f[2]);
        Assert.Equal(MathF.Pow(2, -24), f[3]);
        Assert.True(f[4] == 0f && float.IsNegative(f[4]));
        Assert.True(float.IsNaN(f[5]));
    }

    [Fact]
    public void BFloat16ConvertsExactlyAndRoundsToNearestEven()
    {
        ushort[] bits = [0x3F80, 0x4049, 0xC2F7, 0x7F80];
        var t = new TensorData(TensorDataType.BFloat16, [4], bits.SelectMany(BitConverter.GetBytes).ToArray());

        Assert.Equal(new[] { 1f, 3.140625f, -123.5f, float.PositiveInfinity }, t.ToFloatArray());
        Assert.Equal((ushort)0x3F80, TensorData.SingleToBFloat16Bits(1f));
        Assert.Equal((ushort)0x4049, TensorData.SingleToBFloat16Bits(3.14159f));
        Assert.Equal((ushort)0x3F80, TensorData.SingleToBFloat16Bits(BitConverter.Int32BitsToSingle(0x3F808000))); // tie -> even
        Assert.Equal((ushort)0x3F82, TensorData.SingleToBFloat16Bits(BitConverter.Int32BitsToSingle(0x3F818000))); // tie -> even (up)
        Assert.True(float.IsNaN(TensorData.BFloat16BitsToSingle(TensorData.SingleToBFloat16Bits(float.NaN))));
    }

    [Fact]
    public void IntegerAndBoolTypesConvert()
    {
        Assert.Equal(new[] { -3f, 4e9f }, new TensorData(TensorDataType.Int64, [2], [.. BitConverter.GetBytes(-3L), .. BitConverter.GetBytes(4_000_000_000L)]).ToFloatArray());
        Assert.Equal(new[] { -7f }, new TensorData(TensorDataType.Int32, [1], BitConverter.GetBytes(-7)).ToFloatArray());
        Assert.Equal(new[] { -300f }, new TensorData(TensorDataType.Int16, [1], BitConverter.GetBytes((short)-300)).ToFloatArray());
        Assert.Equal(new[] { -1f, 127f }, new TensorData(TensorDataType.Int8, [2], [0xFF, 0x7F]).ToFloatArray());
        Assert.Equal(new[] { 255f, 1f }, new TensorData(TensorDataType.UInt8, [2], [0xFF, 0x01]).ToFloatArray());
        Assert.Equal(new[] { 1f, 0f }, new TensorData(TensorDataType.Bool, [2], [1, 0]).ToFloatArray());
        Assert.Equal(new[] { 0.1f }, new TensorData(TensorDataType.Float64, [1], BitConverter.GetBytes(0.1)).ToFloatArray());
    }

    [Fact]
    public void ElementSizesAndSafeTensorsNamesRoundTrip()
    {
        foreach (TensorDataType type in Enum.GetValues<TensorDataType>())
        {
            Assert.True(TensorDataTypeExtensions.TryParseSafeTensorsName(type.ToSafeTensorsName(), out TensorDataType parsed));
            Assert.Equal(type, parsed);
            Assert.Contains(type.ElementSize(), new[] { 1, 2, 4, 8 });
        }

        Assert.False(TensorDataTypeExtensions.TryParseSafeTensorsName("F8_E4M3", out _));
    }
}
