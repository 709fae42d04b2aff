using System.Globalization;
using FedHealth.Learning.Data;
using FedHealth.Learning.Images;

namespace FedHealth.SiteAgent.Doctor;

/// <summary>
/// Checks a site's image source as loading would (every file there, readable as an image, of a size the schema
/// takes, labelled with a declared class), but lists every bad file where loading names the first few; then shows
/// the images per class and one image decoded, so IT can compare them with their own records.
/// </summary>
public static class ImageSourceCheck
{
    private const string Name = "images";
    /// <summary>More than this many bad files are counted, not listed: a wrong class list would otherwise print every image.</summary>
    public const int ListedAtMost = 1000;

    public static CheckResult Run(string schemaPath)
    {
        ImageSchema schema;
        ImageScan scan;
        try
        {
            schema = ImageSchemaFile.Load(schemaPath);
            scan = ImageScan.Of(schema);
        }
        catch (Exception e) when (e is DataException or IOException or UnauthorizedAccessException)
        {
            return CheckResult.Fail(Name, e.Message, "correct the field named above in the image schema (docs/site-data.md, \"Image sources\")");
        }
        var counts = scan.CountsByClass(schema.Classes.Count);
        var classes = string.Join(", ", schema.Classes.Select((c, i) => $"{counts[i]} '{c}'"));
        var ignored = scan.IgnoredFiles > 0 ? $"; {scan.IgnoredFiles} files passed over (not .png, .jpg or .jpeg)" : "";
        var found = $"{schemaPath} ('{schema.Name}'): {scan.Entries.Count} usable images (by class: {classes}){ignored}";
        if (scan.Problems.Count > 0)
        {
            var listed = scan.Problems.Take(ListedAtMost).Select(p => $"{Environment.NewLine}  bad: {p}");
            var more = scan.Problems.Count > ListedAtMost ? $"{Environment.NewLine}  and {scan.Problems.Count - ListedAtMost} more" : "";
            return CheckResult.Fail(Name, $"{found}; {scan.Problems.Count} bad files or rows, and the agent refuses the source while any remain:" +
                string.Concat(listed) + more,
                "replace, relabel or remove each bad file listed (or correct the CSV line), or declare the missing class if the consortium has it");
        }
        if (scan.Entries.Count == 0) return CheckResult.Fail(Name, $"{found}: no image", "point the image schema's source at the site's images");
        try
        {
            var sample = ImageSample.Decode(schema, scan.Entries[0]);
            var range = $"[{Number(sample.Input.Min())}, {Number(sample.Input.Max())}]";
            return CheckResult.Pass(Name, $"{found}; sample {sample.Entry.Where} decoded: {sample.Image.Width}×{sample.Image.Height} on disk, " +
                $"model input {schema.Channels}×{schema.Height}×{schema.Width} (channels × height × width), values in {range}");
        }
        catch (DataException e)
        {
            return CheckResult.Fail(Name, $"{found}; the sample does not decode: {e.Message}", "replace or remove the file named above");
        }
    }

    private static string Number(float value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
