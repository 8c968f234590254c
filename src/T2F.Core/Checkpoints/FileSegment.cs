namespace T2F.Core.Checkpoints;

/// <summary>A byte range of a file held open by its owner; reads fail once the owner has closed the file.</summary>
internal sealed class FileSegment
{
    private readonly SafeTensorsReader owner;
    private readonly long offset;

    public FileSegment(SafeTensorsReader owner, long offset, long length)
    {
        this.owner = owner;
        this.offset = offset;
        Length = length;
    }

    public long Length { get; }

    public void ReadInto(Span<byte> destination) => SafeTensorsFile.ReadAt(this.owner.Handle, destination[..(int)Length], this.offset, this.owner.Path);
}
