using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T2F.Core.Training;

/// <summary>
/// Adam exactly as PyTorch computes it (bias-corrected moments, eps added after the square root), with its state
/// exposed as named tensors so that a checkpoint restores it bit for bit. Learning rate and betas are fixed at
/// construction (StyleGAN2's lazy-regularisation correction is applied by the caller).
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private readonly List<(string Name, Parameter Parameter, Tensor ExpAvg, Tensor ExpAvgSq)> entries = new();

    /// <summary>Creates the optimiser over named parameters.</summary>
    /// <param name="parameters">Parameters with their state-dict names.</param>
    /// <param name="learningRate">lr.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="epsilon">eps.</param>
    public AdamOptimizer(IEnumerable<(string Name, Parameter Parameter)> parameters, double learningRate, double beta1, double beta2, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        foreach (var (name, p) in parameters)
        {
            var m = torch.zeros_like(p).DetachFromDisposeScope();
            var v = torch.zeros_like(p).DetachFromDisposeScope();
            entries.Add((name, p, m, v));
        }
    }

    /// <summary>Learning rate (lr): the step size before the moment normalisation.</summary>
    public double LearningRate { get; }

    /// <summary>Decay of the first-moment (mean) estimate (beta1).</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second-moment (uncentred variance) estimate (beta2).</summary>
    public double Beta2 { get; }

    /// <summary>Added to the root of the second moment so a parameter with no gradient history does not divide by zero (eps).</summary>
    public double Epsilon { get; }

    /// <summary>Number of steps taken.</summary>
    public long StepCount { get; private set; }

    /// <summary>Clears the gradients.</summary>
    public void ZeroGrad()
    {
        using var scope = torch.NewDisposeScope();
        foreach (var (_, p, _, _) in entries)
        {
            p.grad?.zero_();
        }
    }

    /// <summary>One update from the current gradients (parameters without a gradient are skipped, as in PyTorch).</summary>
    public void Step()
    {
        StepCount++;
        double bc1 = 1 - Math.Pow(Beta1, StepCount);
        double bc2 = 1 - Math.Pow(Beta2, StepCount);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var (_, p, m, v) in entries)
        {
            var g = p.grad;
            if (g is null)
            {
                continue;
            }

            // Explicit Scalars, disposed after use (see EqualLinear: an implicit one may be finalized mid-call).
            using Scalar beta1 = Beta1, oneMinusBeta1 = 1 - Beta1, beta2 = Beta2, oneMinusBeta2 = 1 - Beta2;
            using Scalar correction = Math.Sqrt(bc2), epsilon = Epsilon, step = -LearningRate / bc1;
            m.mul_(beta1).add_(g, alpha: oneMinusBeta1);
            v.mul_(beta2).addcmul_(g, g, value: oneMinusBeta2);
            using var root = v.sqrt();
            using var denom = root.div(correction).add_(epsilon);
            p.addcdiv_(m, denom, value: step);
        }
    }

    /// <summary>The state as named tensors (<c>name.exp_avg</c>, <c>name.exp_avg_sq</c>) plus <c>step</c>.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> StateTensors()
    {
        foreach (var (name, _, m, v) in entries)
        {
            yield return new(name + ".exp_avg", m);
            yield return new(name + ".exp_avg_sq", v);
        }
    }

    /// <summary>Restores the state written by <see cref="StateTensors"/>.</summary>
    /// <param name="state">Named tensors.</param>
    /// <param name="step">The step count to restore.</param>
    public void Load(IReadOnlyDictionary<string, Tensor> state, long step)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var noGrad = torch.no_grad();
        foreach (var (name, _, m, v) in entries)
        {
            if (!state.TryGetValue(name + ".exp_avg", out var em) || !state.TryGetValue(name + ".exp_avg_sq", out var ev))
            {
                throw new ArgumentException($"The optimiser state has no moments for {name}.");
            }

            m.copy_(em);
            v.copy_(ev);
        }

        StepCount = step;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, _, m, v) in entries)
        {
            m.Dispose();
            v.Dispose();
        }

        entries.Clear();
    }
}
