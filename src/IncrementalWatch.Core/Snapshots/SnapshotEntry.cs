using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Snapshots;

/// <summary>One input as a snapshot records it.</summary>
/// <param name="Kind">What the input is for.</param>
/// <param name="Path">Full path of the input.</param>
/// <param name="Output">The build output made from it alone (a .resources file, a copy), or empty.</param>
/// <param name="Facts">The stat facts seen just before hashing.</param>
/// <param name="Hash">The content hash; <see cref="ContentHash.None"/> for a missing file.</param>
/// <param name="Racy">
/// True when the file changed so shortly before the snapshot that a later change could keep the
/// same timestamps; such an entry is re-hashed next time instead of trusted (as git does).
/// </param>
public sealed record SnapshotEntry(InputKind Kind, string Path, string Output, FileFacts Facts, ContentHash Hash, bool Racy)
{
    public bool Exists => Facts.Exists;

    /// <summary>The key that identifies this input across snapshots.</summary>
    public string Key => MakeKey(Kind, Path, Output);

    public static string MakeKey(InputKind kind, string path, string output) =>
        string.Concat(kind.ToString(), "|", path, "|", output);

    /// <summary>True when <paramref name="other"/> has the same content (or is missing likewise).</summary>
    public bool SameContentAs(SnapshotEntry other) => Exists == other.Exists && Hash == other.Hash;

    // Written out rather than generated: the generated equality goes through
    // EqualityComparer<FileFacts> and EqualityComparer<ContentHash>, instantiations over this
    // assembly's structs that a fresh MSBuild node must JIT-compile on every no-op build.
    public bool Equals(SnapshotEntry? other) =>
        other is not null
        && Kind == other.Kind
        && Racy == other.Racy
        && Facts.Equals(other.Facts)
        && Hash.Equals(other.Hash)
        && string.Equals(Path, other.Path, StringComparison.Ordinal)
        && string.Equals(Output, other.Output, StringComparison.Ordinal);

    public override int GetHashCode() => Path.GetHashCode() ^ ((int)Kind * 397) ^ Hash.Low.GetHashCode();
}
