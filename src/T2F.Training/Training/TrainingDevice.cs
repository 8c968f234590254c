using TorchSharp;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>Parses and checks a training device name.</summary>
public static class TrainingDevice
{
    /// <summary>The device for <paramref name="name"/> (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>).</summary>
    /// <param name="name">Device name.</param>
    /// <exception cref="ArgumentException">Unknown name, or CUDA requested where libtorch has no CUDA.</exception>
    public static Device Parse(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string n = name.Trim().ToLowerInvariant();
        if (n == "cpu")
        {
            return torch.CPU;
        }

        if (n == "cuda" || n.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
            {
                throw new ArgumentException($"Device '{name}' was requested but this libtorch has no CUDA (TorchSharp-cpu, or no GPU/driver). Reference a CUDA build of libtorch and run on a machine with an NVIDIA GPU, or use --device cpu.", nameof(name));
            }

            return torch.device(n);
        }

        throw new ArgumentException($"Unknown device '{name}': use cpu, cuda or cuda:N.", nameof(name));
    }
}
