using Microsoft.Win32.SafeHandles;

namespace FedHealth.Learning.Images;

/// <summary>
/// Reads single IDX records at their offsets, from the file itself or (when gzip-compressed) from a copy unpacked
/// once into a scratch folder that is deleted on dispose. Disk holds the unpacked copy; memory holds one record.
/// </summary>
public sealed class IdxRecords : IDisposable
{
    private readonly string? scratch;
    private readonly SafeFileHandle handle;

    public IdxFiles.ImagesHeader Header { get; }

    public IdxRecords(IdxSource idx)
    {
        Header = IdxFiles.ReadImagesHeader(idx.Images, checkLength: false);
        var path = idx.Images;
        if (IdxFiles.IsGzip(idx.Images))
        {
            scratch = Directory.CreateTempSubdirectory("fedhealth-idx-").FullName;
            path = IdxFiles.Seekable(idx.Images, scratch);
        }
        handle = File.OpenHandle(path);
    }

    public RgbaImage Read(ImageEntry entry)
    {
        var grey = new byte[Header.RecordBytes];
        var read = RandomAccess.Read(handle, grey, entry.Offset);
        if (read != grey.Length) throw new FedHealth.Learning.Data.DataException($"{entry.Where}: the file ends inside the record");
        return RgbaImage.FromGrey(Header.Columns, Header.Rows, grey);
    }

    public void Dispose()
    {
        handle.Dispose();
        if (scratch is not null) Directory.Delete(scratch, recursive: true);
    }
}
