using FedHealth.Learning.Data;

namespace FedHealth.Learning.Images;

/// <summary>A CSV file of (path, label[, other columns]), each path relative to the CSV's folder. Problems name the CSV's line and the image.</summary>
public static class CsvImageSource
{
    public static ImageScan Scan(ImageCsvSource csv, ImageSchema schema)
    {
        CsvTable table;
        try { table = CsvTable.Read(csv.File); }
        catch (DataException e) { return new ImageScan([], [new ImageProblem(csv.File, e.Message.Replace($"{csv.File}: ", ""))]); }
        var missing = new[] { csv.PathColumn, csv.LabelColumn }.Where(c => table.IndexOf(c) < 0).ToList();
        if (missing.Count > 0)
            return new ImageScan([], [new ImageProblem($"{csv.File}: line 1",
                $"column {string.Join(" and ", missing.Select(m => $"'{m}'"))} missing from the header (header has: {string.Join(", ", table.Header)})")]);
        var folder = Path.GetDirectoryName(csv.File)!;
        var entries = new List<ImageEntry>();
        var problems = new List<ImageProblem>();
        foreach (var row in table.Rows)
        {
            var path = row.Fields[table.IndexOf(csv.PathColumn)].Trim();
            var where = $"{csv.File}: line {row.Line}";
            var label = ImageFileCheck.ClassOf(row.Fields[table.IndexOf(csv.LabelColumn)], schema, out var notAClass);
            if (path.Length == 0) { problems.Add(new ImageProblem(where, "the image path is empty")); continue; }
            var file = Path.GetFullPath(path, folder);
            where = $"{where} ({file})";
            if ((notAClass ?? ImageFileCheck.Problem(file, schema)) is { } problem) problems.Add(new ImageProblem(where, problem));
            else entries.Add(new ImageEntry(file, 0, label, where));
        }
        return new ImageScan(entries, problems);
    }
}
