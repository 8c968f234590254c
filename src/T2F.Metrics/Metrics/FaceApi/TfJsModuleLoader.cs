using T2F.Core.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Metrics.FaceApi;

/// <summary>
/// Loads TF.js weights into a module whose state-dict keys are the TF.js names with '/' replaced by '.', converting
/// layouts by the tensor's role: <c>filters</c> <c>[kh, kw, in, out]</c> → <c>[out, in, kh, kw]</c>;
/// <c>depthwise_filter</c> <c>[kh, kw, C, 1]</c> → <c>[C, 1, kh, kw]</c>; <c>pointwise_filter</c> <c>[1, 1, in, out]</c> →
/// <c>[out, in, 1, 1]</c>; everything else as stored.
/// </summary>
internal static class TfJsModuleLoader
{
    public static void Load(nn.Module module, TfJsWeightMap weights)
    {
        using var scope = torch.NewDisposeScope();
        var source = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var tf in weights.Ordered)
        {
            string key = tf.Name.Replace('/', '.');
            var t = torch.tensor(tf.Values, tf.Shape.Select(s => (long)s).ToArray(), ScalarType.Float32);
            string role = key[(key.LastIndexOf('.') + 1)..];
            if (tf.Shape.Length == 4)
            {
                t = role switch
                {
                    "depthwise_filter" => t.permute(2, 3, 0, 1),
                    _ => t.permute(3, 2, 0, 1),
                };
            }

            source[key] = t.contiguous();
        }

        ModuleStateLoader.Load(module, source, weights.Source);
    }
}
