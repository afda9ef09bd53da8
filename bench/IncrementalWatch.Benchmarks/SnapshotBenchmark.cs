using System.Buffers;
using IncrementalWatch.FileSystem;
using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Benchmarks;

/// <summary>
/// Snapshot cost on a generated tree (default 10,000 files, about 200 MB): cold (no previous
/// snapshot, every file hashed) beside reading every file, and warm (previous snapshot, nothing
/// changed) beside only stat-ing every file. Baselines use the same parallelism as the snapshot.
/// </summary>
public static class SnapshotBenchmark
{
    public static void Run(string workDirectory, int fileCount, int runs)
    {
        string tree = Path.Combine(workDirectory, $"tree-{fileCount}");
        var inputs = Generate(tree, fileCount);
        long bytes = inputs.Sum(i => new FileInfo(i.Path).Length);
        Console.WriteLine($"tree: {inputs.Count} files, {bytes / 1_000_000.0:F0} MB, in {tree} (page cache warm: the files were just read)");

        // Read once so both sides start from the same page-cache state.
        ReadAll(inputs);
        var cold = Measure.Compare(
            "snapshot, cold (no previous snapshot: hash every file)", () => Measure.Time(() => SnapshotTaker.Take("bench", inputs, [], null)),
            "read every file", () => Measure.Time(() => ReadAll(inputs)),
            runs);

        var previous = SnapshotTaker.Take("bench", inputs, [], null).Section;
        if (previous.Entries.Values.Any(e => e.Racy))
        {
            throw new InvalidOperationException("The generated tree is racy; the warm measurement would re-hash.");
        }

        var warm = Measure.Compare(
            "snapshot, warm (previous snapshot in memory, nothing changed)", () => Measure.Time(() => SnapshotTaker.Take("bench", inputs, [], previous)),
            "stat every file (statx)", () => Measure.Time(() => StatAll(inputs)),
            runs);

        // The whole step as a build runs it: load and verify the snapshot file, stat, diff, and
        // find the file already up to date (no write).
        string snapshotPath = Path.Combine(workDirectory, "bench.iwsnapshot");
        var request = new SnapshotRequest("bench", snapshotPath, BuildStep.Copy, inputs, new Dictionary<string, string>());
        SnapshotUpdater.Run(request);
        var step = Measure.Compare(
            "whole step, warm (load snapshot file, stat, diff, no write)", () => Measure.Time(() =>
            {
                if (SnapshotUpdater.Run(request).SnapshotWritten)
                {
                    throw new InvalidOperationException("A no-change step rewrote the snapshot.");
                }
            }),
            "stat every file (statx)", () => Measure.Time(() => StatAll(inputs)),
            runs);

        Console.WriteLine(Measure.TableHeader);
        Console.WriteLine(cold);
        Console.WriteLine(warm);
        Console.WriteLine(step);
    }

    private static List<InputSpec> Generate(string tree, int count)
    {
        string marker = Path.Combine(tree, ".complete");
        var inputs = Enumerable.Range(0, count)
            .Select(i => new InputSpec(InputKind.Extra, Path.Combine(tree, $"d{i / 100:000}", $"f{i:00000}.txt")))
            .ToList();
        if (File.Exists(marker))
        {
            return inputs;
        }

        var random = new Random(20261123);
        var old = DateTime.UtcNow.AddHours(-1);
        foreach (var input in inputs)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(input.Path)!);
            var content = new byte[random.Next(1_000, 39_000)];
            random.NextBytes(content);
            File.WriteAllBytes(input.Path, content);
            File.SetLastWriteTimeUtc(input.Path, old);
        }

        File.WriteAllText(marker, "");

        // Let every change time leave the racy window, as in any tree not edited this instant.
        Thread.Sleep(SnapshotTaker.RacyWindow + TimeSpan.FromMilliseconds(200));
        return inputs;
    }

    private static void ReadAll(List<InputSpec> inputs) => Parallel.ForEach(inputs, input =>
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            using var stream = new FileStream(input.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            while (stream.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    });

    private static void StatAll(List<InputSpec> inputs) => Parallel.ForEach(inputs, input => FileFactsReader.Read(input.Path));
}
