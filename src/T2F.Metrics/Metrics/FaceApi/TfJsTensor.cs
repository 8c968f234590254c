namespace T2F.Core.Metrics.FaceApi;

/// <summary>One weight tensor of a TF.js weights manifest, dequantised to float32, in TF layout.</summary>
/// <param name="Name">Its name in the manifest (e.g. <c>conv32_down/conv/filters</c>).</param>
/// <param name="Shape">Its shape in TF layout (conv filters <c>[kh, kw, in, out]</c>).</param>
/// <param name="Values">The values, row-major.</param>
/// <param name="Quantization">The stored quantisation (<c>uint8</c>, <c>uint16</c>, <c>float16</c>) or null for plain float32.</param>
/// <param name="ByteOffset">Where its bytes start in the concatenated weight files.</param>
/// <param name="ByteLength">How many bytes it occupies there.</param>
public sealed record TfJsTensor(string Name, int[] Shape, float[] Values, string? Quantization, long ByteOffset, long ByteLength);
