namespace FedHealth.Learning.Images;

/// <summary>
/// One image of a source, by reference: its file, where in the file it starts (an IDX record's byte offset; 0 for a
/// PNG or JPEG file), its label's class index, and where errors say it is (the file, the CSV line with the file it
/// names, or the IDX record). The index of a source holds these, never pixels.
/// </summary>
public sealed record ImageEntry(string File, long Offset, int Label, string Where);

/// <summary>What is wrong with one image, file or row of a source, naming where.</summary>
public sealed record ImageProblem(string Where, string What)
{
    public override string ToString() => $"{Where}: {What}";
}
