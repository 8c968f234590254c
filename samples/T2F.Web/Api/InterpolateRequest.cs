namespace T2F.Web.Api;

/// <summary>Body of <c>POST /api/interpolate</c>: a strip of faces from one description to another.</summary>
/// <param name="From">First description.</param>
/// <param name="To">Last description.</param>
/// <param name="Frames">Frames, 2 to the server's MaxFrames (default 8).</param>
/// <param name="Seed">Seed.</param>
/// <param name="Truncation">Truncation psi in (0, 1].</param>
public sealed record InterpolateRequest(string? From, string? To, int? Frames, long? Seed, float? Truncation);
