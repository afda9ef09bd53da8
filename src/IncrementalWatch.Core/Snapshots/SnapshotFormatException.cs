namespace IncrementalWatch.Snapshots;

/// <summary>Why a snapshot file could not be used.</summary>
public enum SnapshotProblem
{
    /// <summary>Unreadable, truncated, or its checksum does not match.</summary>
    Corrupt,

    /// <summary>Written by a newer IncrementalWatch in a format this version does not read.</summary>
    FutureFormat,

    /// <summary>Written by an older IncrementalWatch whose hashes this version does not compare; counts as no snapshot.</summary>
    OlderFormat,
}

/// <summary>Thrown when a snapshot file exists but cannot be used.</summary>
public sealed class SnapshotFormatException(SnapshotProblem problem, string path, string detail, int format = 0)
    : Exception($"{path}: {detail}")
{
    public SnapshotProblem Problem { get; } = problem;

    public string FilePath { get; } = path;

    public string Detail { get; } = detail;

    /// <summary>The format number the file declares, for <see cref="SnapshotProblem.FutureFormat"/> and <see cref="SnapshotProblem.OlderFormat"/>.</summary>
    public int Format { get; } = format;
}
