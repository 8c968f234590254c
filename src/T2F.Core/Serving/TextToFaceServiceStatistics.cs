namespace T2F.Core.Serving;

/// <summary>What a <see cref="TextToFaceService"/> has done since it started.</summary>
/// <param name="Requests">Requests completed (successfully or not), batched or not.</param>
/// <param name="Batches">Synthesis batches run for micro-batched generate requests (0 without batching).</param>
/// <param name="BatchedRequests">Generate requests that ran inside those batches.</param>
public sealed record TextToFaceServiceStatistics(long Requests, long Batches, long BatchedRequests)
{
    /// <summary>Mean requests per batch (0 before the first batch).</summary>
    public double MeanRequestsPerBatch => Batches == 0 ? 0 : (double)BatchedRequests / Batches;
}
