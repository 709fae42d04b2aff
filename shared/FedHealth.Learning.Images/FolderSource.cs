namespace FedHealth.Learning.Images;

/// <summary>
/// A folder per class: <c>root/&lt;class label&gt;/*.png|jpg|jpeg</c>. A sub-folder that is not a declared class, or an
/// image directly under the root, cannot be labelled and is a problem; other files (not images by name) are counted and
/// passed over.
/// </summary>
public static class FolderSource
{
    public static ImageScan Scan(string root, ImageSchema schema)
    {
        if (!Directory.Exists(root)) return new ImageScan([], [new ImageProblem(root, "folder not found")]);
        var entries = new List<ImageEntry>();
        var problems = new List<ImageProblem>();
        var ignored = 0;
        foreach (var file in Sorted(Directory.GetFiles(root)))
            if (ImageFileCheck.IsImage(file)) problems.Add(new ImageProblem(file, "an image outside any class folder has no label"));
            else ignored++;
        foreach (var folder in Sorted(Directory.GetDirectories(root)))
        {
            var files = Sorted(Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
            var label = ImageFileCheck.ClassOf(Path.GetFileName(folder), schema, out var notAClass);
            if (notAClass is not null)
            {
                problems.Add(new ImageProblem(folder, $"folder {notAClass}; its {files.Count(ImageFileCheck.IsImage)} images have no class"));
                continue;
            }
            foreach (var file in files)
            {
                if (!ImageFileCheck.IsImage(file)) { ignored++; continue; }
                if (ImageFileCheck.Problem(file, schema) is { } problem) problems.Add(new ImageProblem(file, problem));
                else entries.Add(new ImageEntry(file, 0, label, file));
            }
        }
        return new ImageScan(entries, problems, ignored);
    }

    // The same order on every machine, so a seeded shuffle gives the same batches everywhere.
    private static string[] Sorted(string[] paths) => paths.Order(StringComparer.Ordinal).ToArray();
}
