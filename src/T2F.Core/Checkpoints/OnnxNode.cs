namespace T2F.Core.Checkpoints;

/// <summary>One node of an ONNX graph: what it computes and the names of the values it reads and writes.</summary>
/// <param name="Name">The node's name (may be empty).</param>
/// <param name="OpType">The operator, e.g. <c>MatMul</c>.</param>
/// <param name="Domain">The operator set domain; empty for the default ONNX domain.</param>
/// <param name="Inputs">The names of the values it reads, in order.</param>
/// <param name="Outputs">The names of the values it writes, in order.</param>
public sealed record OnnxNode(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);
