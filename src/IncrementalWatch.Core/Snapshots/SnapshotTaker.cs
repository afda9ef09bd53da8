using System.Collections.Concurrent;
using System.Diagnostics;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Snapshots;

/// <summary>What taking a snapshot cost, for the build log and the benchmarks.</summary>
public sealed record SnapshotStats(int Inputs, int Hashed, int Reused, long HashedBytes, TimeSpan Elapsed);

/// <summary>An input that exists but could not be examined or read.</summary>
public sealed record UnreadableInput(string Path, string Reason);

/// <summary>The outcome of <see cref="SnapshotTaker.Take"/>.</summary>
/// <param name="InputFacts">The facts of each input, in the order of the inputs given (an array: an interface over a struct of this assembly would be JIT-compiled in every fresh MSBuild node).</param>
/// <param name="FactsTrusted">True when every input was examined and its facts are trusted (change time and file id known), so a stat digest can stand for the section (racy inputs are listed with it).</param>
public sealed record TakenSnapshot(SnapshotSection Section, SnapshotStats Stats, IReadOnlyList<UnreadableInput> Unreadable, FileFacts[] InputFacts, bool FactsTrusted);

/// <summary>
/// Takes a section's snapshot. A file whose stat facts match the previous snapshot, whose facts
/// can be trusted and that was not racy then keeps its previous hash without being read; every
/// other file is read and hashed.
/// </summary>
public static class SnapshotTaker
{
    /// <summary>
    /// A file whose modification or change time lies this close to the moment it was examined is
    /// racy: a second write within the same timestamp tick would leave its stat unchanged. Two
    /// seconds covers the coarsest common resolution (FAT); it applies to a file whose times are
    /// whole seconds (FAT, HFS+, ext3, some network shares).
    /// </summary>
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The racy window for a file whose times carry fractions of a second: the file system stamps
    /// them from a clock that advances at least every 16 ms (a kernel tick on Linux, the system
    /// timer on Windows), so a write this long before the examination cannot share a tick with a
    /// later one. Without it, files the build itself writes just before a step (generated
    /// sources) would stay racy and be re-read on every build.
    /// </summary>
    public static readonly TimeSpan FineRacyWindow = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether <paramref name="facts"/>, seen at <paramref name="examinedNs"/>, could still hide a write in the same tick.</summary>
    public static bool IsRacy(FileFacts facts, long examinedNs)
    {
        bool wholeSeconds = facts.ModifiedNs % 1_000_000_000 == 0 && facts.ChangedNs % 1_000_000_000 == 0;
        long windowNs = (wholeSeconds ? RacyWindow : FineRacyWindow).Ticks * 100;
        return facts.LatestNs >= examinedNs - windowNs;
    }

    /// <summary>Stat calls are spread over the cores from this many paths on.</summary>
    private const int ParallelStatThreshold = 2048;

    /// <summary>Hashing is spread over the cores from this much content on.</summary>
    private const long ParallelHashBytes = 4 * 1024 * 1024;

    public static TakenSnapshot Take(
        string sectionName,
        IReadOnlyList<InputSpec> inputs,
        IEnumerable<KeyValuePair<string, string>> properties,
        SnapshotSection? previous,
        DateTime? examinedAt = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var known = IndexByPath(previous);
        long examinedNs = ((examinedAt ?? DateTime.UtcNow).Ticks - DateTime.UnixEpoch.Ticks) * 100;

        // One path can be several inputs (a file both compiled and copied); examine it once.
        var fullPaths = new string[inputs.Count];
        var indexOfPath = new Dictionary<string, int>(inputs.Count, PathComparison.Comparer);
        var paths = new List<string>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            string path = FullPath(inputs[i].Path);
            fullPaths[i] = path;
            if (indexOfPath.TryAdd(path, paths.Count))
            {
                paths.Add(path);
            }
        }

        var examined = new Examined?[paths.Count];
        var unreadable = new ConcurrentBag<UnreadableInput>();
        var pending = new List<Pending>();
        long bytesToHash = 0;

        // First the stat of every path: a few microseconds each, so a no-op build's 200-odd
        // inputs take about a millisecond on one thread, and fanning them out would cost more in
        // a busy MSBuild node's thread pool than it saves. Only trees of thousands of files are
        // spread over the cores.
        void Stat(int index)
        {
            string path = paths[index];
            try
            {
                var facts = FileFactsReader.Read(path);
                known.TryGetValue(path, out var before);
                if (!facts.Exists)
                {
                    examined[index] = new Examined(facts, ContentHash.None, Racy: false);
                }
                else if (before is not null && before.Facts == facts && facts.Trusted && !before.Racy)
                {
                    examined[index] = new Examined(facts, before.Hash, IsRacy(facts, examinedNs));
                }
                else
                {
                    lock (pending)
                    {
                        pending.Add(new Pending(index, facts, before));
                        bytesToHash += facts.Length;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(new UnreadableInput(path, ex.Message));
            }
        }

        ForEach(paths.Count, paths.Count >= ParallelStatThreshold, Stat);

        // Then the content of the files the stat could not vouch for.
        long hashedBytes = 0;
        int hashed = 0;

        void Hash(int i)
        {
            var (index, facts, before) = pending[i];
            string path = paths[index];
            try
            {
                var hash = ContentHash.OfFile(path);
                Interlocked.Add(ref hashedBytes, facts.Length);
                Interlocked.Increment(ref hashed);

                // Marked racy only while its times are still inside the window. A racy entry
                // that checks out unchanged once it has left the window loses its mark: the
                // snapshot is written once more, and later builds trust its stat instead of
                // reading it on every build (the apphost, generated sources).
                examined[index] = new Examined(facts, hash, IsRacy(facts, examinedNs));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(new UnreadableInput(path, ex.Message));
            }
        }

        ForEach(pending.Count, pending.Count > 1 && (bytesToHash >= ParallelHashBytes || pending.Count >= ParallelStatThreshold), Hash);

        var entries = new List<SnapshotEntry>(inputs.Count);
        var inputFacts = new FileFacts[inputs.Count];
        bool factsTrusted = unreadable.IsEmpty;
        for (int i = 0; i < inputs.Count; i++)
        {
            if (examined[indexOfPath[fullPaths[i]]] is { } e)
            {
                string output = inputs[i].Output.Length == 0 ? string.Empty : FullPath(inputs[i].Output);
                entries.Add(new SnapshotEntry(inputs[i].Kind, fullPaths[i], output, e.Facts, e.Hash, e.Racy));
                inputFacts[i] = e.Facts;
                factsTrusted &= e.Facts.Trusted;
            }
        }

        var section = new SnapshotSection(sectionName, entries, properties);
        var stats = new SnapshotStats(inputs.Count, hashed, paths.Count - hashed - unreadable.Count, hashedBytes, stopwatch.Elapsed);
        return new TakenSnapshot(section, stats, unreadable.OrderBy(u => u.Path, StringComparer.Ordinal).ToArray(), inputFacts, factsTrusted);
    }

    private static void ForEach(int count, bool parallel, Action<int> body)
    {
        if (parallel)
        {
            Parallel.For(0, count, body);
            return;
        }

        for (int i = 0; i < count; i++)
        {
            body(i);
        }
    }

    // MSBuild passes full, normalized paths (FullPath metadata); only others pay for GetFullPath.
    internal static string FullPath(string path) =>
        Path.IsPathFullyQualified(path) && !HasDotSegment(path) ? path : Path.GetFullPath(path);

    // Runs for every input on every build, so it scans in place rather than allocating.
    private static bool HasDotSegment(string path)
    {
        var rest = path.AsSpan();
        while (!rest.IsEmpty)
        {
            int separator = rest.IndexOfAny('/', '\\');
            var segment = separator < 0 ? rest : rest[..separator];
            if (segment is "." or "..")
            {
                return true;
            }

            rest = separator < 0 ? [] : rest[(separator + 1)..];
        }

        return false;
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

    private sealed record Pending(int Index, FileFacts Facts, SnapshotEntry? Before);
}
