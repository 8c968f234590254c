namespace T2F.Core.Checkpoints;

/// <summary>
/// Builds a contiguous <see cref="TensorData"/> from a storage, an element offset, sizes and strides
/// (what <c>torch._utils._rebuild_tensor_v2</c> describes), with every bound checked first.
/// </summary>
internal static class TensorGather
{
    public static TensorData Build(TorchStorage storage, long offset, long[] size, long[] stride, string sourceName)
    {
        string Where() =>
            $"the tensor of size {TensorData.FormatShape(size)}, stride {TensorData.FormatShape(stride)}, offset {offset} over storage {storage.Description}";

        if (size.Length != stride.Length)
        {
            throw new CheckpointFormatException(
                $"In {sourceName}: {Where()} has {size.Length} sizes but {stride.Length} strides: the checkpoint is corrupt.");
        }

        if (offset < 0)
        {
            throw new CheckpointFormatException($"In {sourceName}: {Where()} has a negative storage offset: the checkpoint is corrupt.");
        }

        long count = 1;
        long maxIndex = offset;
        try
        {
            for (int d = 0; d < size.Length; d++)
            {
                if (size[d] < 0 || stride[d] < 0)
                {
                    throw new CheckpointFormatException(
                        $"In {sourceName}: {Where()} has a negative size or stride (negative strides are not a PyTorch layout): the checkpoint is corrupt.");
                }

                count = checked(count * size[d]);
            }

            if (count > 0)
            {
                for (int d = 0; d < size.Length; d++)
                {
                    maxIndex = checked(maxIndex + checked((size[d] - 1) * stride[d]));
                }
            }
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException($"In {sourceName}: {Where()} is impossibly large: the checkpoint is corrupt.");
        }

        int es = storage.DType.ElementSize();
        if (count > Array.MaxLength / es)
        {
            throw new CheckpointFormatException(
                $"In {sourceName}: {Where()} has {count} elements, more than this reader can hold in one array (2 GB); split the tensor or save it in safetensors shards.");
        }

        if (count == 0)
        {
            return new TensorData(storage.DType, size, Array.Empty<byte>());
        }

        ArraySegment<byte> bytes = storage.GetBytes();
        long available = bytes.Count / es;
        if (maxIndex >= available)
        {
            throw new CheckpointFormatException(
                $"In {sourceName}: {Where()} reads up to element {maxIndex}, but the storage holds only {available} {storage.DType.ToTorchName()} elements: the file is truncated or corrupt: re-download or re-copy it.");
        }

        bool contiguous = IsContiguous(size, stride);
        if (contiguous && offset == 0 && count == available)
        {
            byte[]? whole = storage.TryTakeWholeArray();
            if (whole is not null)
            {
                return new TensorData(storage.DType, size, whole);
            }
        }

        var data = new byte[count * es];
        ReadOnlySpan<byte> src = bytes.AsSpan();
        if (contiguous)
        {
            src.Slice((int)(offset * es), data.Length).CopyTo(data);
            return new TensorData(storage.DType, size, data);
        }

        // General strided gather. The innermost dimension is copied as a run when its stride is 1.
        int rank = size.Length;
        long innerSize = size[rank - 1];
        long innerStride = stride[rank - 1];
        var index = new long[rank];
        long written = 0;
        Span<byte> dst = data;
        while (written < count)
        {
            long baseIndex = offset;
            for (int d = 0; d < rank - 1; d++)
            {
                baseIndex += index[d] * stride[d];
            }

            if (innerStride == 1)
            {
                src.Slice((int)(baseIndex * es), (int)(innerSize * es)).CopyTo(dst.Slice((int)(written * es)));
            }
            else
            {
                for (long i = 0; i < innerSize; i++)
                {
                    src.Slice((int)((baseIndex + (i * innerStride)) * es), es).CopyTo(dst.Slice((int)((written + i) * es)));
                }
            }

            written += innerSize;
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < size[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }

        return new TensorData(storage.DType, size, data);
    }

    private static bool IsContiguous(long[] size, long[] stride)
    {
        long expected = 1;
        for (int d = size.Length - 1; d >= 0; d--)
        {
            if (size[d] != 1 && stride[d] != expected)
            {
                return false;
            }

            expected *= size[d];
        }

        return true;
    }
}
