using T2F.Core.Metrics.Attributes;

namespace T2F.Models.SynthFacesAttributes;

/// <summary>
/// The attribute classifier trained on SynthFaces that T2F's evaluation reports with (see this package's NOTICE.md
/// for its training command and held-out accuracy).
/// </summary>
public static class SynthFacesAttributeModels
{
    private const string ResourceName = "T2F.Models.SynthFacesAttributes.synthfaces-attributes.safetensors";

    /// <summary>Loads the embedded classifier (CPU, evaluation mode); the caller disposes it.</summary>
    /// <exception cref="InvalidOperationException">The assembly lacks its embedded weights (a broken build).</exception>
    public static AttributeClassifier LoadClassifier()
    {
        using var stream = typeof(SynthFacesAttributeModels).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(SynthFacesAttributeModels).Assembly.GetName().Name}; rebuild the package.");
        return AttributeClassifier.Load(stream, "embedded " + ResourceName);
    }
}
