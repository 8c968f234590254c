using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics;

/// <summary>
/// Running mean and covariance of feature vectors that arrive in batches, in double precision, so that 50,000
/// images never sit in memory at once. Each batch is reduced two-pass (its own mean, then its centred scatter
/// matrix) and merged with the running totals by the pairwise update of Chan, Golub and LeVeque (Welford's update
/// generalised to batches): <c>M2 += S_b + delta deltaᵀ · n·m/(n+m)</c>. Memory: one D x D double matrix.
/// </summary>
public sealed class FeatureStatisticsAccumulator : IDisposable
{
    private readonly Tensor mean;
    private readonly Tensor scatter;
    private bool disposed;

    /// <summary>Creates an empty accumulator for vectors of length <paramref name="dimension"/>.</summary>
    /// <param name="dimension">Feature dimension D (2048 for FID).</param>
    public FeatureStatisticsAccumulator(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        mean = torch.zeros(new long[] { dimension }, ScalarType.Float64).DetachFromDisposeScope();
        scatter = torch.zeros(new long[] { dimension, dimension }, ScalarType.Float64).DetachFromDisposeScope();
    }

    /// <summary>Feature dimension D.</summary>
    public int Dimension { get; }

    /// <summary>How many vectors have been added.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a batch of vectors.</summary>
    /// <param name="features">[N, D] on any device, any floating type (converted to float64 on the CPU).</param>
    /// <exception cref="ArgumentException">The shape is not [N, D] or a value is not finite.</exception>
    public void Add(Tensor features)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2 || features.shape[1] != Dimension)
        {
            throw new ArgumentException($"Features: expected [N, {Dimension}], got [{string.Join(", ", features.shape)}].", nameof(features));
        }

        long n = features.shape[0];
        if (n == 0)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        var x = features.detach().to(ScalarType.Float64).cpu();
        if (!x.isfinite().all().item<bool>())
        {
            throw new ArgumentException("Features hold NaN or infinite values; the feature extractor or its input is broken.", nameof(features));
        }

        var batchMean = x.mean(new long[] { 0 });
        var centred = x - batchMean;
        var batchScatter = centred.t().matmul(centred);
        var delta = batchMean - mean;
        long total = Count + n;
        double weight = (double)Count * n / total;
        using (torch.no_grad())
        {
            mean.add_(delta * ((double)n / total));
            scatter.add_(batchScatter).add_(delta.outer(delta) * weight);
        }

        Count = total;
    }

    /// <summary>Adds one vector.</summary>
    /// <param name="vector">Length D.</param>
    public void Add(ReadOnlySpan<double> vector)
    {
        if (vector.Length != Dimension)
        {
            throw new ArgumentException($"Vector: expected length {Dimension}, got {vector.Length}.", nameof(vector));
        }

        using var scope = torch.NewDisposeScope();
        Add(torch.tensor(vector.ToArray(), new long[] { 1, Dimension }, ScalarType.Float64));
    }

    /// <summary>The mean and unbiased covariance of everything added so far.</summary>
    /// <exception cref="InvalidOperationException">Fewer than two vectors were added.</exception>
    public GaussianStatistics ToStatistics()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Count < 2)
        {
            throw new InvalidOperationException($"A covariance needs at least 2 vectors; {Count} were added.");
        }

        using var scope = torch.NewDisposeScope();
        var cov = scatter / (Count - 1);

        // Symmetrise: the rank-1 updates are symmetric in exact arithmetic; rounding may leave 1 ulp differences.
        cov = (cov + cov.t()) * 0.5;
        return new GaussianStatistics(mean.data<double>().ToArray(), cov.contiguous().data<double>().ToArray(), Count);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        mean.Dispose();
        scatter.Dispose();
    }
}
