namespace T2F.Web.Api;

/// <summary>Body of <c>POST /api/edit</c>: the same faces before and after a change of the description.</summary>
/// <param name="Text">The original description.</param>
/// <param name="EditedText">The description with the change ("... now with eyeglasses").</param>
/// <param name="Count">Faces (each returns two images: original, edited; at most half the server's MaxFaces).</param>
/// <param name="Seed">Seed (same seed as a <c>/api/faces</c> request: the same original faces).</param>
/// <param name="Truncation">Truncation psi in (0, 1].</param>
/// <param name="Strength">How far to move towards the edited description, in [-4, 4] (default 1).</param>
public sealed record EditRequest(string? Text, string? EditedText, int? Count, long? Seed, float? Truncation, float? Strength);
