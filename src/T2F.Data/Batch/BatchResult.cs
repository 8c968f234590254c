namespace T2F.Core.Batch;

/// <summary>What one run of a batch job did.</summary>
/// <param name="Folder">The dataset folder.</param>
/// <param name="Faces">Faces in the whole job.</param>
/// <param name="ShardsWritten">Shards this run generated and committed.</param>
/// <param name="ShardsSkipped">Shards an earlier run had committed (not generated again).</param>
/// <param name="Elapsed">Time this run took.</param>
public sealed record BatchResult(string Folder, long Faces, int ShardsWritten, int ShardsSkipped, TimeSpan Elapsed);
