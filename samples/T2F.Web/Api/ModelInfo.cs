namespace T2F.Web.Api;

/// <summary>Body of <c>GET /api/info</c>: what the server serves and its limits.</summary>
/// <param name="Encoder">The text encoder's name.</param>
/// <param name="Resolution">Image size in pixels.</param>
/// <param name="Pending">Requests running or waiting now.</param>
/// <param name="MaxTextLength">Longest description in characters.</param>
/// <param name="MaxFaces">Most faces per request.</param>
/// <param name="MaxFrames">Most interpolation frames.</param>
/// <param name="MaxBatchFaces">Faces per synthesis batch (1: no micro-batching).</param>
/// <param name="Completed">Requests completed since the start.</param>
/// <param name="Batches">Micro-batches run since the start.</param>
public sealed record ModelInfo(string Encoder, int Resolution, int Pending, int MaxTextLength, int MaxFaces, int MaxFrames, int MaxBatchFaces, long Completed, long Batches);
