using System.Reflection;
using System.Security.Cryptography;
using T2F.Core.Metrics.FaceApi;

namespace T2F.Models.FaceApi;

/// <summary>
/// The face-api networks with their weights embedded in this assembly (copied unchanged from
/// <c>@vladmandic/face-api@1.7.15</c>; MIT, recognition weights public domain; see the package's licences folder).
/// Each .bin is checked against its SHA-256 before use.
/// </summary>
public static class FaceApiModels
{
    /// <summary>The npm package version the weights come from.</summary>
    public const string PackageVersion = "1.7.15";

    private static readonly Assembly Assembly = typeof(FaceApiModels).Assembly;

    /// <summary>The file name stem of a model (<c>face_recognition_model</c>, ...).</summary>
    /// <param name="model">The model.</param>
    public static string FileStem(FaceApiModel model) => model switch
    {
        FaceApiModel.FaceRecognition => "face_recognition_model",
        FaceApiModel.AgeGender => "age_gender_model",
        FaceApiModel.FaceExpression => "face_expression_model",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Unknown face-api model."),
    };

    /// <summary>The SHA-256 of a model's .bin as published in the npm package (lower-case hex).</summary>
    /// <param name="model">The model.</param>
    public static string Sha256(FaceApiModel model) => model switch
    {
        FaceApiModel.FaceRecognition => "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
        FaceApiModel.AgeGender => "49f92bbc0afef2342c4385e4a2b0acb6d7a727c6f0aa539499719a81acf9abaa",
        FaceApiModel.FaceExpression => "9a9840f2cf1f4c7eab95f197512569345c00d2426754d4608b92af30e0300f3d",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Unknown face-api model."),
    };

    /// <summary>Reads a model's embedded TF.js weights (manifest + .bin), checking the .bin's SHA-256.</summary>
    /// <param name="model">The model.</param>
    public static TfJsWeightMap ReadWeights(FaceApiModel model)
    {
        string stem = FileStem(model);
        using var manifest = Open($"{stem}-weights_manifest.json");
        return TfJsWeightMap.Load(manifest, shard =>
        {
            var bytes = ReadAll(shard);
            string hash = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
            if (shard == $"{stem}.bin" && hash != Sha256(model))
            {
                throw new InvalidDataException($"Embedded {shard} has SHA-256 {hash}, expected {Sha256(model)}: the T2F.Models.FaceApi assembly is damaged.");
            }

            return new MemoryStream(bytes, writable: false);
        }, $"T2F.Models.FaceApi/{stem}");
    }

    /// <summary>The face recognition net (128-d identity descriptors).</summary>
    public static FaceRecognitionNet LoadRecognitionNet() => FaceRecognitionNet.Load(ReadWeights(FaceApiModel.FaceRecognition));

    /// <summary>The age and gender net.</summary>
    public static AgeGenderNet LoadAgeGenderNet() => AgeGenderNet.Load(ReadWeights(FaceApiModel.AgeGender));

    /// <summary>The expression net.</summary>
    public static FaceExpressionNet LoadExpressionNet() => FaceExpressionNet.Load(ReadWeights(FaceApiModel.FaceExpression));

    /// <summary>The identity feature extractor (images in [-1, 1] → 128-d descriptors) for similarity, FSD and diversity.</summary>
    public static FaceIdentityFeatureExtractor LoadIdentityFeatureExtractor() => new(LoadRecognitionNet());

    private static Stream Open(string fileName)
        => Assembly.GetManifestResourceStream($"T2F.Models.FaceApi.{fileName}")
           ?? throw new FileNotFoundException($"T2F.Models.FaceApi has no embedded '{fileName}'; the assembly was built without its model/ folder.");

    private static byte[] ReadAll(string fileName)
    {
        using var stream = Open(fileName);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
