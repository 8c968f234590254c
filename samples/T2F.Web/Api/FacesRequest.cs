namespace T2F.Web.Api;

/// <summary>Body of <c>POST /api/faces</c>.</summary>
/// <param name="Text">The face description.</param>
/// <param name="Count">Faces to render (1 to the server's MaxFaces; default 1).</param>
/// <param name="Seed">Seed (0 to 2^53 - 1; same seed, same faces; default 0).</param>
/// <param name="Truncation">Truncation psi in (0, 1] (default 1: off).</param>
public sealed record FacesRequest(string? Text, int? Count, long? Seed, float? Truncation);
