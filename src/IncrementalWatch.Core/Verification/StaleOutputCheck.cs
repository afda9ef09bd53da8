using IncrementalWatch.FileSystem;
using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Verification;

/// <summary>The stale-output verdict for one project.</summary>
/// <param name="Project">The project checked.</param>
/// <param name="Outcome">What was found.</param>
/// <param name="Differences">Inputs whose content differs from what the outputs were built from, and outputs that differ from what they were made of.</param>
public sealed record StaleResult(VerifyProject Project, StaleOutcome Outcome, IReadOnlyList<string> Differences);

public enum StaleOutcome
{
    /// <summary>The outputs were built from the current content.</summary>
    Fresh,

    /// <summary>The outputs were built from other content.</summary>
    Stale,

    /// <summary>No outputs and no snapshot: nothing built yet, so nothing can be stale.</summary>
    NotBuilt,

    /// <summary>Outputs but no snapshot: what they were built from cannot be told.</summary>
    NoSnapshot,
}

/// <summary>
/// Checks, before anything is built, that a project's outputs were built from the content its
/// sources have now. The snapshot in obj/ records the content of every input as the last build
/// used it (written together with the outputs, so a restored obj/ carries its own); every input
/// is hashed again and compared, whatever its timestamp says. Copies in the output folder must
/// hold their source's content, and the output assembly must be the one the compiler wrote.
/// </summary>
public static class StaleOutputCheck
{
    public static StaleResult Check(VerifyProject project)
    {
        Snapshot? snapshot;
        try
        {
            snapshot = SnapshotFile.Load(project.SnapshotFile);
        }
        catch (SnapshotFormatException ex)
        {
            return new StaleResult(project, StaleOutcome.NoSnapshot, new[] { ex.Message });
        }

        bool outputs = File.Exists(project.TargetPath) || File.Exists(project.IntermediateAssembly);
        if (snapshot is null)
        {
            return new StaleResult(project, outputs ? StaleOutcome.NoSnapshot : StaleOutcome.NotBuilt, Array.Empty<string>());
        }

        var differences = new SortedSet<string>(StringComparer.Ordinal);
        var hashes = new Dictionary<string, ContentHash?>(PathComparison.Comparer);
        ContentHash? HashOf(string path)
        {
            if (!hashes.TryGetValue(path, out var hash))
            {
                hash = File.Exists(path) ? ContentHash.OfFile(path) : null;
                hashes[path] = hash;
            }

            return hash;
        }

        foreach (var section in snapshot.Sections.Values)
        {
            foreach (var entry in section.OrderedEntries())
            {
                ContentHash? now = HashOf(entry.Path);
                bool same = entry.Exists ? now == entry.Hash : now is null;
                if (!same)
                {
                    differences.Add($"{Relative(project, entry.Path)} ({entry.Kind}: {(now is null ? "missing now" : entry.Exists ? "content differs" : "new")})");
                }
                else if (section.Name == nameof(BuildStep.Copy) && entry.Output.Length > 0 && entry.Exists && HashOf(entry.Output) is { } copy && copy != entry.Hash)
                {
                    differences.Add($"{Relative(project, entry.Output)} (copy of {Relative(project, entry.Path)}: content differs from its source)");
                }
            }
        }

        if (File.Exists(project.TargetPath) && File.Exists(project.IntermediateAssembly) && HashOf(project.TargetPath) != HashOf(project.IntermediateAssembly))
        {
            differences.Add($"{Relative(project, project.TargetPath)} (differs from the compiler's {Relative(project, project.IntermediateAssembly)})");
        }

        return new StaleResult(project, differences.Count == 0 ? StaleOutcome.Fresh : StaleOutcome.Stale, differences.ToList());
    }

    private static string Relative(VerifyProject project, string path)
    {
        string relative = Path.GetRelativePath(project.Directory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
