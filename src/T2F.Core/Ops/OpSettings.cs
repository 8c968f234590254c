namespace T2F.Core.Ops;

/// <summary>Process-wide switches for the custom ops.</summary>
public static class OpSettings
{
    /// <summary>
    /// Which implementation the ops use. Default <see cref="OpBackend.Fast"/>; set <see cref="OpBackend.Reference"/>
    /// to reproduce the reference PyTorch code as closely as possible (the golden parity tests do).
    /// </summary>
    public static OpBackend Backend { get; set; } = OpBackend.Fast;
}
