using T2F.Core.Checkpoints;

namespace T2F.Core.Metrics;

/// <summary>
/// Mean and covariance of a set of feature vectors, in double precision (what pytorch-fid keeps as <c>mu</c> and
/// <c>sigma</c>). The covariance is the unbiased sample covariance (divided by <c>Count - 1</c>, as <c>np.cov</c>).
/// </summary>
public sealed class GaussianStatistics
{
    private const string MeanKey = "mu";
    private const string CovarianceKey = "sigma";
    private const string CountKey = "count";

    /// <summary>Wraps a mean and a covariance.</summary>
    /// <param name="mean">The mean, length D.</param>
    /// <param name="covariance">The covariance, row-major D x D (symmetric).</param>
    /// <param name="count">How many vectors the statistics describe (0 when unknown).</param>
    /// <exception cref="ArgumentException">The lengths do not agree, or a value is not finite.</exception>
    public GaussianStatistics(double[] mean, double[] covariance, long count)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        if (mean.Length == 0)
        {
            throw new ArgumentException("The mean is empty: statistics need at least one feature dimension.", nameof(mean));
        }

        if (covariance.Length != (long)mean.Length * mean.Length)
        {
            throw new ArgumentException($"The covariance has {covariance.Length} values; a mean of length {mean.Length} needs {mean.Length} x {mean.Length} = {(long)mean.Length * mean.Length}.", nameof(covariance));
        }

        if (mean.Any(v => !double.IsFinite(v)) || covariance.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("The statistics hold NaN or infinite values: check the features they were computed from.", nameof(mean));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Mean = mean;
        Covariance = covariance;
        Count = count;
    }

    /// <summary>Feature dimension D.</summary>
    public int Dimension => Mean.Length;

    /// <summary>The mean, length D.</summary>
    public double[] Mean { get; }

    /// <summary>The covariance, row-major D x D.</summary>
    public double[] Covariance { get; }

    /// <summary>How many vectors the statistics describe (0 when unknown).</summary>
    public long Count { get; }

    /// <summary>Element (row, column) of the covariance.</summary>
    /// <param name="row">Row index.</param>
    /// <param name="column">Column index.</param>
    public double CovarianceAt(int row, int column) => Covariance[((long)row * Dimension) + column];

    /// <summary>
    /// Computes the statistics of a whole set at once (two-pass, double precision). For sets that do not fit in memory
    /// use <see cref="FeatureStatisticsAccumulator"/>.
    /// </summary>
    /// <param name="vectors">The vectors, each of the same length; at least two.</param>
    public static GaussianStatistics FromVectors(IReadOnlyList<double[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count < 2)
        {
            throw new ArgumentException($"A covariance needs at least 2 vectors; got {vectors.Count}.", nameof(vectors));
        }

        int d = vectors[0].Length;
        var mean = new double[d];
        foreach (var v in vectors)
        {
            if (v.Length != d)
            {
                throw new ArgumentException($"Vectors have different lengths ({d} and {v.Length}).", nameof(vectors));
            }

            for (int i = 0; i < d; i++)
            {
                mean[i] += v[i];
            }
        }

        for (int i = 0; i < d; i++)
        {
            mean[i] /= vectors.Count;
        }

        var cov = new double[(long)d * d];
        var centred = new double[d];
        foreach (var v in vectors)
        {
            for (int i = 0; i < d; i++)
            {
                centred[i] = v[i] - mean[i];
            }

            for (int i = 0; i < d; i++)
            {
                double ci = centred[i];
                long row = (long)i * d;
                for (int j = 0; j < d; j++)
                {
                    cov[row + j] += ci * centred[j];
                }
            }
        }

        for (long k = 0; k < cov.LongLength; k++)
        {
            cov[k] /= vectors.Count - 1;
        }

        return new GaussianStatistics(mean, cov, vectors.Count);
    }

    /// <summary>
    /// Saves the statistics as a safetensors file with float64 tensors <c>mu</c> [D] and <c>sigma</c> [D, D] (the
    /// names of pytorch-fid's .npz files) and the count in the metadata. Written atomically.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    public void Save(string path)
    {
        var tensors = new List<KeyValuePair<string, TensorData>>
        {
            new(MeanKey, ToTensorData(Mean, new long[] { Dimension })),
            new(CovarianceKey, ToTensorData(Covariance, new long[] { Dimension, Dimension })),
        };
        SafeTensorsFile.Write(path, tensors, new Dictionary<string, string> { [CountKey] = Count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>Loads statistics written by <see cref="Save"/> (float32 or float64 <c>mu</c> and <c>sigma</c>).</summary>
    /// <param name="path">A safetensors file.</param>
    public static GaussianStatistics Load(string path)
    {
        var content = SafeTensorsFile.Read(path);
        if (!content.Tensors.TryGetValue(MeanKey, out var mu) || !content.Tensors.TryGetValue(CovarianceKey, out var sigma))
        {
            throw new CheckpointFormatException($"{path}: expected tensors '{MeanKey}' and '{CovarianceKey}' (found {string.Join(", ", content.Tensors.Keys)}).");
        }

        if (mu.Rank != 1 || sigma.Rank != 2 || sigma.Shape[0] != mu.Shape[0] || sigma.Shape[1] != mu.Shape[0])
        {
            throw new CheckpointFormatException($"{path}: '{MeanKey}' is {mu} and '{CovarianceKey}' is {sigma}; expected [D] and [D, D].");
        }

        long count = content.Metadata.TryGetValue(CountKey, out var c) && long.TryParse(c, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        return new GaussianStatistics(ToDoubles(mu), ToDoubles(sigma), count);
    }

    private static TensorData ToTensorData(double[] values, long[] shape)
    {
        var bytes = new byte[values.Length * sizeof(double)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Saving statistics needs a little-endian machine.");
        }

        return new TensorData(TensorDataType.Float64, shape, bytes);
    }

    private static double[] ToDoubles(TensorData data)
    {
        if (data.DType == TensorDataType.Float64)
        {
            var result = new double[data.ElementCount];
            Buffer.BlockCopy(data.Data, 0, result, 0, data.Data.Length);
            return result;
        }

        return Array.ConvertAll(data.ToFloatArray(), v => (double)v);
    }
}
