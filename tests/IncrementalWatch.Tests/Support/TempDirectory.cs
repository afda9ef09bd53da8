namespace IncrementalWatch.Tests.Support;

/// <summary>A scratch folder for one unit test, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <param name="name">The folder's name in the temp folder; by default a fresh one under iw-unit/.</param>
    public TempDirectory(string? name = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), name ?? System.IO.Path.Combine("iw-unit", Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative, string? content = null)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        if (content is not null)
        {
            System.IO.File.WriteAllText(full, content);
        }

        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
