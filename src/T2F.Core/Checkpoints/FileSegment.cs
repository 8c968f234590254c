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

    public void ReadInto(Span<byte> destination) => SafeTensorsFile.ReadAt(_owner.Handle, destination[..(int)Length], _offset, _owner.Path);
}
