namespace IncrementalWatch.FileSystem;

/// <summary>
/// How paths compare on this OS: case-sensitive on Linux, case-insensitive on Windows and on
/// macOS (whose default file system ignores case), so one file is one snapshot entry.
/// </summary>
public static class PathComparison
{
    public static StringComparison Comparison { get; } =
        OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    public static StringComparer Comparer { get; } =
        OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
}
