namespace T2F.Web.Api;

/// <summary>One generated image in a response.</summary>
/// <param name="Description">The description it was rendered from.</param>
/// <param name="Index">Its place in the request's result.</param>
/// <param name="Png">The PNG file, base64-encoded (a browser shows it as <c>data:image/png;base64,...</c>).</param>
public sealed record FaceImage(string Description, int Index, string Png);
