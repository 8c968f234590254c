using System.Runtime.InteropServices;

namespace T2F.Core.Cuda;

/// <summary>
/// Kernel arguments laid out as cuLaunchKernel wants them: an array of pointers, each to one argument's value.
/// Values are kept in unmanaged memory until disposed.
/// </summary>
internal sealed class KernelArguments : IDisposable
{
    private readonly List<(IntPtr Memory, int Size)> values = new();
    private IntPtr pointerArray;

    /// <summary>Number of arguments.</summary>
    public int Count => values.Count;

    /// <summary>Adds a 32-bit integer.</summary>
    /// <param name="value">Value.</param>
    public KernelArguments Add(int value) => AddBytes(BitConverter.GetBytes(value));

    /// <summary>Adds a 64-bit integer (C <c>long long</c>).</summary>
    /// <param name="value">Value.</param>
    public KernelArguments Add(long value) => AddBytes(BitConverter.GetBytes(value));

    /// <summary>Adds a float.</summary>
    /// <param name="value">Value.</param>
    public KernelArguments Add(float value) => AddBytes(BitConverter.GetBytes(value));

    /// <summary>Adds a device pointer (0 passes a null pointer).</summary>
    /// <param name="devicePointer">CUdeviceptr.</param>
    public KernelArguments AddPointer(ulong devicePointer) => AddBytes(BitConverter.GetBytes(devicePointer));

    /// <summary>The raw bytes of argument <paramref name="index"/> (for tests and drivers that marshal differently).</summary>
    /// <param name="index">Argument index.</param>
    public byte[] ValueBytes(int index)
    {
        var (memory, size) = values[index];
        var bytes = new byte[size];
        Marshal.Copy(memory, bytes, 0, size);
        return bytes;
    }

    /// <summary>The array of argument pointers (void**), valid until disposal or the next Add.</summary>
    public IntPtr PointerArray()
    {
        if (pointerArray != IntPtr.Zero)
        {
            Marshal.FreeHGlobal(pointerArray);
        }

        pointerArray = Marshal.AllocHGlobal(IntPtr.Size * Math.Max(1, values.Count));
        for (int i = 0; i < values.Count; i++)
        {
            Marshal.WriteIntPtr(pointerArray, i * IntPtr.Size, values[i].Memory);
        }

        return pointerArray;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (memory, _) in values)
        {
            Marshal.FreeHGlobal(memory);
        }

        values.Clear();
        if (pointerArray != IntPtr.Zero)
        {
            Marshal.FreeHGlobal(pointerArray);
            pointerArray = IntPtr.Zero;
        }
    }

    private KernelArguments AddBytes(byte[] bytes)
    {
        var memory = Marshal.AllocHGlobal(bytes.Length);
        Marshal.Copy(bytes, 0, memory, bytes.Length);
        values.Add((memory, bytes.Length));
        return this;
    }
}
