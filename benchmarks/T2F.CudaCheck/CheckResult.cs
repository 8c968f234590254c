namespace T2F.CudaCheck;

/// <summary>One row of the report: a kernel (or a chain of kernels) on one spec case.</summary>
/// <param name="Op">What ran, e.g. "bias_act forward"; native/cuda/torch_timing.py joins its PyTorch timings on (op, shape).</param>
/// <param name="Shape">The case's shape text.</param>
/// <param name="MaxAbsError">Largest |kernel - reference| (NaN if any value was NaN); 0 for timing-only rows.</param>
/// <param name="Tolerance">The absolute part of the tolerance; 0 marks a timing-only row.</param>
/// <param name="Passed">Every value within atol + rtol |reference|.</param>
/// <param name="MilliSeconds">Mean time of one launch (or chain), after one warm-up.</param>
/// <param name="Note">The case's name and what it covers.</param>
internal sealed record CheckResult(string Op, string Shape, double MaxAbsError, double Tolerance, bool Passed, double MilliSeconds, string Note);
