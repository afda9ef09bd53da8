using IncrementalWatch.Contracts;
using IncrementalWatch.FileSystem;
using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Host.Verify;

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

    /// <summary>The snapshot was recorded for the project in another folder (a cache restored elsewhere).</summary>
    Relocated,
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

        // Inputs are recorded with full paths: compared here, a snapshot made in another folder
        // would vouch for that folder's files, not this one's.
        foreach (var section in snapshot.Sections.Values)
        {
            if (section.Properties.TryGetValue(SnapshotSection.ProjectDirectoryProperty, out string? recorded)
                && !string.Equals(Path.TrimEndingDirectorySeparator(recorded), Path.TrimEndingDirectorySeparator(project.Directory), PathComparison.Comparison))
            {
                return new StaleResult(project, StaleOutcome.Relocated, new[] { recorded });
            }
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

        // Several inputs can be copied to one output (two referenced projects each with a
        // settings.json): the copy is right when it holds one of them, as the last copy wins.
        var copies = new Dictionary<string, List<SnapshotEntry>>(PathComparison.Comparer);
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
                else if (section.Name == SnapshotUpdater.SectionName(BuildStep.Copy) && entry.Output.Length > 0 && entry.Exists)
                {
                    if (!copies.TryGetValue(entry.Output, out var sources))
                    {
                        copies[entry.Output] = sources = new List<SnapshotEntry>();
                    }

                    sources.Add(entry);
                }
            }
        }

        foreach (var (output, sources) in copies)
        {
            if (HashOf(output) is { } copy && !sources.Any(s => s.Hash == copy))
            {
                differences.Add($"{Relative(project, output)} (copy of {string.Join(" or ", sources.Select(s => Relative(project, s.Path)))}: content differs from its source)");
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
