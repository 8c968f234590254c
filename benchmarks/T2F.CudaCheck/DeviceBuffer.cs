using System.Runtime.InteropServices;
using T2F.Core.Cuda;

namespace T2F.CudaCheck;

/// <summary>float32 device memory for one kernel argument, freed on disposal.</summary>
internal sealed class DeviceBuffer : IDisposable
{
    private readonly ICudaDriver driver;

    /// <summary>Allocates <paramref name="count"/> floats.</summary>
    /// <param name="driver">The driver.</param>
    /// <param name="count">Number of floats.</param>
    public DeviceBuffer(ICudaDriver driver, long count)
    {
        this.driver = driver;
        Count = count;
        Pointer = driver.Allocate(count * sizeof(float));
    }

    /// <summary>The device pointer.</summary>
    public ulong Pointer { get; }

    /// <summary>Number of floats.</summary>
    public long Count { get; }

    /// <summary>Allocates a buffer holding <paramref name="values"/>.</summary>
    /// <param name="driver">The driver.</param>
    /// <param name="values">Host values.</param>
    public static DeviceBuffer Upload(ICudaDriver driver, float[] values)
    {
        var buffer = new DeviceBuffer(driver, values.Length);
        driver.CopyToDevice(buffer.Pointer, MemoryMarshal.AsBytes(values.AsSpan()));
        return buffer;
    }

    /// <summary>Copies the buffer to the host.</summary>
    public float[] Download()
    {
        var values = new float[Count];
        driver.CopyToHost(MemoryMarshal.AsBytes(values.AsSpan()), Pointer);
        return values;
    }

    /// <inheritdoc />
    public void Dispose() => driver.Free(Pointer);
}
