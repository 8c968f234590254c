using Microsoft.Win32.SafeHandles;

namespace T2F.Core.Checkpoints;

/// <summary>A byte range of a file held open by its owner; reads fail once the owner has closed the file.</summary>
internal sealed class FileSegment
{
    private readonly SafeTensorsReader _owner;
    private readonly long _offset;

    public FileSegment(SafeTensorsReader owner, long offset, long length)
    {
        _owner = owner;
        _offset = offset;
        Length = length;
    }

    public long Length { get; }

    public void ReadInto(Span<byte> destination)
    {
        SafeFileHandle handle = _owner.Handle;
        long done = 0;
        while (done < Length)
        {
            int n = RandomAccess.Read(handle, destination[(int)done..], _offset + done);
            if (n <= 0)
            {
                throw new CheckpointFormatException($"{_owner.Path} ends at byte {_offset + done}, before the {Length} bytes expected at {_offset}: the file was truncated after it was opened: re-copy it.");
            }

            done += n;
        }
    }
}
