namespace T2F.Web.Api;

/// <summary>The images of one request.</summary>
/// <param name="Seed">The seed used.</param>
/// <param name="Resolution">Image width and height in pixels.</param>
/// <param name="Milliseconds">Time spent generating (without waiting in the queue).</param>
/// <param name="Faces">The images, in the order the operation defines.</param>
public sealed record FacesResponse(long Seed, int Resolution, double Milliseconds, IReadOnlyList<FaceImage> Faces);
