namespace T2F.Core.Metrics.Evaluation;

/// <summary>Where <see cref="FaceEvaluator.Evaluate"/> is: reported after each batch of paired faces and each diversity group.</summary>
/// <param name="Step">Steps done, from 1.</param>
/// <param name="Steps">All steps: one per batch of paired faces, then one per description of the diversity groups.</param>
/// <param name="Stage">"generate + features" for the paired faces, "diversity" for the variants.</param>
public sealed record FaceEvaluationProgress(int Step, int Steps, string Stage);
