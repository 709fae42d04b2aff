namespace FedHealth.Tests.Support;

/// <summary>Where the repository's own files are, found from the test's output folder.</summary>
public static class Paths
{
    public static string RepositoryRoot { get; } = FindRoot();
    public static string Federation => Path.Combine(RepositoryRoot, "infra", "federations", "breast-prognosis");
    public static string Sites => Path.Combine(Federation, "sites");
    public static string Output => AppContext.BaseDirectory;

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FedHealth.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("FedHealth.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("fedhealth-test-").FullName;

    public string File(string name, string contents)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, contents);
        return path;
    }

    /// <summary>Copies a folder tree (the shipped federation, say) so a test can change its copy.</summary>
    public static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) System.IO.File.Copy(file, file.Replace(from, to));
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
