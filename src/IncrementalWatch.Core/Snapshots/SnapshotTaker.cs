using System.Collections.Concurrent;
using System.Diagnostics;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Snapshots;

/// <summary>What taking a snapshot cost, for the build log and the benchmarks.</summary>
public sealed record SnapshotStats(int Inputs, int Hashed, int Reused, long HashedBytes, TimeSpan Elapsed);

/// <summary>An input that exists but could not be examined or read.</summary>
public sealed record UnreadableInput(string Path, string Reason);

/// <summary>The outcome of <see cref="SnapshotTaker.Take"/>.</summary>
public sealed record TakenSnapshot(SnapshotSection Section, SnapshotStats Stats, IReadOnlyList<UnreadableInput> Unreadable);

/// <summary>
/// Takes a section's snapshot. A file whose stat facts match the previous snapshot, whose facts
/// can be trusted and that was not racy then keeps its previous hash without being read; every
/// other file is read and hashed.
/// </summary>
public static class SnapshotTaker
{
    /// <summary>
    /// A file whose modification or change time lies this close to the moment it was examined is
    /// racy: on a file system with coarse timestamps, a second write in the same tick would leave
    /// its stat unchanged. Two seconds covers the coarsest common resolution (FAT).
    /// </summary>
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private const int ParallelThreshold = 64;

    public static TakenSnapshot Take(
        string sectionName,
        IReadOnlyList<InputSpec> inputs,
        IEnumerable<KeyValuePair<string, string>> properties,
        SnapshotSection? previous)
    {
        var stopwatch = Stopwatch.StartNew();
        var known = IndexByPath(previous);
        long racyCutoffNs = ((DateTime.UtcNow - RacyWindow).Ticks - DateTime.UnixEpoch.Ticks) * 100;

        // One path can be several inputs (a file both compiled and copied); examine it once.
        var paths = inputs.Select(i => Path.GetFullPath(i.Path)).Distinct(PathComparison.Comparer).ToArray();
        var examined = new ConcurrentDictionary<string, Examined>(PathComparison.Comparer);
        var unreadable = new ConcurrentBag<UnreadableInput>();
        long hashedBytes = 0;
        int hashed = 0;

        void Examine(string path)
        {
            try
            {
                var facts = FileFactsReader.Read(path);
                bool racy = facts.Exists && facts.LatestNs >= racyCutoffNs;
                if (!facts.Exists)
                {
                    examined[path] = new Examined(facts, ContentHash.None, racy);
                    return;
                }

                known.TryGetValue(path, out var before);
                if (before is not null && before.Facts == facts && facts.Trusted && !before.Racy)
                {
                    examined[path] = new Examined(facts, before.Hash, racy);
                    return;
                }

                var hash = ContentHash.OfFile(path);
                Interlocked.Add(ref hashedBytes, facts.Length);
                Interlocked.Increment(ref hashed);

                // A racy entry that checks out unchanged stays marked: clearing the mark would
                // rewrite the snapshot on a build where nothing changed. It costs one re-hash
                // of that file per build until the section changes for another reason.
                bool stillRacy = before is not null && before.Racy && before.Facts == facts && before.Hash == hash;
                examined[path] = new Examined(facts, hash, racy || stillRacy);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(new UnreadableInput(path, ex.Message));
            }
        }

        if (paths.Length >= ParallelThreshold)
        {
            Parallel.ForEach(paths, Examine);
        }
        else
        {
            foreach (string path in paths)
            {
                Examine(path);
            }
        }

        var entries = new List<SnapshotEntry>(inputs.Count);
        foreach (var input in inputs)
        {
            string path = Path.GetFullPath(input.Path);
            if (examined.TryGetValue(path, out var e))
            {
                string output = input.Output.Length == 0 ? string.Empty : Path.GetFullPath(input.Output);
                entries.Add(new SnapshotEntry(input.Kind, path, output, e.Facts, e.Hash, e.Racy));
            }
        }

        var section = new SnapshotSection(sectionName, entries, properties);
        var stats = new SnapshotStats(inputs.Count, hashed, paths.Length - hashed - unreadable.Count, hashedBytes, stopwatch.Elapsed);
        return new TakenSnapshot(section, stats, unreadable.OrderBy(u => u.Path, StringComparer.Ordinal).ToArray());
    }

    private static Dictionary<string, SnapshotEntry> IndexByPath(SnapshotSection? previous)
    {
        var byPath = new Dictionary<string, SnapshotEntry>(PathComparison.Comparer);
        if (previous is not null)
        {
            foreach (var entry in previous.Entries.Values)
            {
                byPath.TryAdd(entry.Path, entry);
            }
        }

        return byPath;
    }

    private readonly record struct Examined(FileFacts Facts, ContentHash Hash, bool Racy);
}
