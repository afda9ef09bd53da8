using System.Globalization;
using System.Text;
using IncrementalWatch.Diagnostics;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Snapshots;

/// <summary>
/// Runs one build step's check: load the previous snapshot, take the new one, compare them by
/// content, invalidate exactly the stale work (always something the build produced, never a
/// source), then record the new snapshot. Invalidation comes first, so a build that stops half
/// way still redoes the work next time.
/// </summary>
public static class SnapshotUpdater
{
    /// <summary>Per-file messages shown before the rest are summed up in one line.</summary>
    public const int MaxListedChanges = 25;

    /// <param name="loaded">What an earlier step of this build read or wrote, if any; used only while the file is unchanged.</param>
    public static SnapshotResult Run(SnapshotRequest request, LoadedSnapshot? loaded = null)
    {
        var result = new SnapshotResult();
        var current = loaded?.IfCurrent(request.SnapshotPath);
        var digestProperties = DigestProperties(request);
        if (TryUnchangedByDigest(request, current, digestProperties, result))
        {
            // The snapshot a step before this one handed over is still what the file holds.
            result.Loaded = current is null ? null : loaded;
            return result;
        }

        bool unusable = false;
        Snapshot? previous = current ?? LoadPrevious(request.SnapshotPath, result, out unusable);
        var previousSection = previous?.Find(SectionName(request.Step));

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in request.Properties)
        {
            properties[pair.Key] = pair.Value;
        }

        if (!AddPackageVersions(request, properties, previousSection, result))
        {
            return result;
        }

        var taken = SnapshotTaker.Take(SectionName(request.Step), request.Inputs, properties, previousSection);
        result.Stats = taken.Stats;
        foreach (var bad in taken.Unreadable)
        {
            result.Diagnostics.Add(Descriptors.IW3001.CreateForFile(bad.Path, bad.Path, bad.Reason));
        }

        if (result.Failed)
        {
            return result;
        }

        var section = taken.Section;
        // Only compilation has a stamp to fill; other steps skip the cost of a fingerprint.
        result.Fingerprint = request.Step == BuildStep.Compile ? section.Fingerprint() : ContentHash.None;
        bool everything = previousSection is null;
        if (everything && !unusable)
        {
            result.Diagnostics.Add(Descriptors.IW1007.Create(request.Step.ToString().ToLowerInvariant(), request.ProjectName, EverythingPhrase(request.Step)));
        }

        // A file whose timestamp moved while its content stayed (a checkout, a package folder
        // extracted again, a tool that touches its outputs) gets its recorded facts brought up
        // to date, with no invalidation: kept behind, they would never match the stat digest
        // again, and every later no-op build would take this full path. A tool that rewrites
        // the same bytes on every build makes that a snapshot write on every build (which
        // verification does not count as work: the snapshot is the package's own record).
        int stale = everything ? -1 : previousSection!.StaleFactsAgainst(section);
        bool unchanged = stale == 0;
        var diff = everything ? null : stale >= 0 ? SectionDiff.Empty : SectionDiff.Compare(previousSection!, section);
        try
        {
            Invalidate(request, section, diff, result);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Already reported; the snapshot is not advanced so the next build tries again.
            return result;
        }

        if (result.Failed)
        {
            return result;
        }

        try
        {
            // Unchanged (the usual no-op build): nothing to serialize, nothing to write. Written,
            // the section gets its stat digest when every input's facts can vouch for it.
            var digest = taken.FactsTrusted && digestProperties is not null
                ? new SectionDigest(StatDigest.Of(request.Inputs, taken.InputFacts, digestProperties), result.Fingerprint, RacyInputs(section))
                : null;
            // Also written when only the digest moved: the same inputs named in another order
            // (the digest follows the order, the entries do not). Kept behind, the old digest
            // would never match again, and every later no-op build would take this full path.
            bool rewrite = !unchanged || (digest is not null && !(previous!.Digests.TryGetValue(section.Name, out var had) && had.Equals(digest)));
            var recorded = rewrite ? (previous ?? new Snapshot()).With(section, digest) : previous!;
            result.SnapshotWritten = rewrite && SnapshotFile.Save(request.SnapshotPath, recorded);
            result.Loaded = LoadedSnapshot.Of(request.SnapshotPath, recorded);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            result.Diagnostics.Add(Descriptors.IW3003.CreateForFile(request.SnapshotPath, request.SnapshotPath, ex.Message));
            return result;
        }

        return result;
    }

    /// <summary>
    /// The usual no-op step: the section's recorded stat digest matches the inputs as they are
    /// now, so their content is what was recorded and nothing is stale. Only the stats are taken;
    /// the entries are neither parsed, hashed nor compared.
    /// </summary>
    private static bool TryUnchangedByDigest(SnapshotRequest request, Snapshot? loaded, IReadOnlyDictionary<string, string>? digestProperties, SnapshotResult result)
    {
        if (digestProperties is null)
        {
            return false;
        }

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        string sectionName = SectionName(request.Step);
        SectionDigest? recorded = null;
        if (loaded is null)
        {
            recorded = SnapshotFile.ReadDigest(request.SnapshotPath, sectionName);
        }
        else if (loaded.Digests.TryGetValue(sectionName, out var kept))
        {
            recorded = kept;
        }

        if (recorded is null || StatDigest.Current(request.Inputs, digestProperties, request.SharedFacts) != recorded.Stat)
        {
            return false;
        }

        // Inputs racy when recorded may have changed without their facts showing it: read them.
        // One that is unchanged and has left the racy window since takes the full path once,
        // which records it settled, so later builds stop reading it.
        long hashedBytes = 0;
        long nowNs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        foreach (var racy in recorded.Racy)
        {
            try
            {
                var facts = FileFactsReader.Read(racy.Path);
                hashedBytes += facts.Exists ? facts.Length : 0;
                if (!SnapshotTaker.IsRacy(facts, nowNs) || ContentHash.OfFile(racy.Path) != racy.Hash)
                {
                    return false;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        result.Fingerprint = recorded.Fingerprint;
        if (request.Step == BuildStep.Compile)
        {
            // As on the full path: the stamp gets the fingerprint if something else changed it.
            string stamp = request.CompileStampPath ?? throw new ArgumentException("The compile step needs a stamp path.", nameof(request));
            try
            {
                result.StampWritten = AtomicFile.WriteIfDifferent(stamp, Encoding.UTF8.GetBytes(recorded.Fingerprint + "\n"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                result.Diagnostics.Add(Descriptors.IW3003.CreateForFile(stamp, stamp, ex.Message));
            }
        }

        result.Stats = new SnapshotStats(request.Inputs.Count, recorded.Racy.Count, request.Inputs.Count - recorded.Racy.Count, hashedBytes, stopwatch.Elapsed);
        result.ByDigest = true;
        return true;
    }

    /// <summary>
    /// What a step's stat digest covers besides its inputs: its properties and the stat of the
    /// assets file its package versions come from (null when that file cannot be examined: the
    /// full path reports it).
    /// </summary>
    private static Dictionary<string, string>? DigestProperties(SnapshotRequest request)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in request.Properties)
        {
            properties[pair.Key] = pair.Value;
        }

        if (!string.IsNullOrEmpty(request.AssetsFile))
        {
            try
            {
                var facts = FileFactsReader.Read(request.AssetsFile);
                if (facts.Exists && !facts.Trusted)
                {
                    return null;
                }

                properties[AssetsCacheProperty] = facts.Exists ? AssetsKey(facts) : "none";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        return properties;
    }

    private static List<RacyInput> RacyInputs(SnapshotSection section)
    {
        var racy = new List<RacyInput>();
        var seen = new HashSet<string>(PathComparison.Comparer);
        foreach (var entry in section.OrderedEntries())
        {
            if (entry.Racy && entry.Exists && seen.Add(entry.Path))
            {
                racy.Add(new RacyInput(entry.Path, entry.Hash));
            }
        }

        return racy;
    }

    private static string AssetsKey(FileFacts facts) =>
        string.Create(CultureInfo.InvariantCulture, $"{facts.Length}:{facts.ModifiedNs}:{facts.ChangedNs}:{facts.Device}:{facts.FileId}");

    private const string AssetsCacheProperty = SnapshotSection.BookkeepingPrefix + "assets";

    public static string SectionName(BuildStep step) => step.ToString().ToLowerInvariant();

    /// <summary>The IW1000 cost summary of a step, formatted only when someone logs it.</summary>
    public static Diagnostic Summary(SnapshotRequest request, SnapshotStats stats, bool byDigest) => Descriptors.IW1000.Create(
        request.ProjectName,
        SectionName(request.Step),
        stats.Inputs,
        stats.Hashed,
        stats.HashedBytes,
        stats.Reused,
        ((long)stats.Elapsed.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        byDigest ? "by the stat digest" : "input by input");

    private static Snapshot? LoadPrevious(string path, SnapshotResult result, out bool unusable)
    {
        unusable = false;
        try
        {
            return SnapshotFile.Load(path);
        }
        catch (SnapshotFormatException ex) when (ex.Problem == SnapshotProblem.OlderFormat)
        {
            // An upgrade of the package: as after a clean, everything counts as changed (IW1007).
            return null;
        }
        catch (SnapshotFormatException ex) when (ex.Problem == SnapshotProblem.FutureFormat)
        {
            unusable = true;
            result.Diagnostics.Add(Descriptors.IW2002.CreateForFile(path, path, ex.Format, SnapshotFile.CurrentFormat));
        }
        catch (SnapshotFormatException ex)
        {
            unusable = true;
            result.Diagnostics.Add(Descriptors.IW2001.CreateForFile(path, path, ex.Detail));
        }

        return null;
    }

    private static bool AddPackageVersions(SnapshotRequest request, Dictionary<string, string> properties, SnapshotSection? previous, SnapshotResult result)
    {
        if (string.IsNullOrEmpty(request.AssetsFile))
        {
            return true;
        }

        try
        {
            var facts = FileFactsReader.Read(request.AssetsFile);
            if (!facts.Exists)
            {
                return true;
            }

            // Spare every no-op build a JSON parse (and its JIT in a fresh MSBuild process): when
            // the assets file's stat is unchanged and trustworthy, last time's versions still hold.
            string key = AssetsKey(facts);
            properties[AssetsCacheProperty] = key;
            if (facts.Trusted && previous is not null
                && previous.Properties.TryGetValue(AssetsCacheProperty, out string? previousKey) && previousKey == key)
            {
                foreach (var (name, value) in previous.Properties)
                {
                    if (name.StartsWith(PackageVersions.PropertyPrefix, StringComparison.Ordinal))
                    {
                        properties[name] = value;
                    }
                }

                return true;
            }

            foreach (var (id, version) in PackageVersions.Read(request.AssetsFile))
            {
                properties[PackageVersions.PropertyPrefix + id] = version;
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            result.Diagnostics.Add(Descriptors.IW3004.CreateForFile(request.AssetsFile, request.AssetsFile, ex.Message));
            return false;
        }
    }

    private static void Invalidate(SnapshotRequest request, SnapshotSection section, SectionDiff? diff, SnapshotResult result)
    {
        if (request.Step == BuildStep.Compile)
        {
            InvalidateCompilation(request, section, diff, result);
            return;
        }

        // Resources and copies: each stale output is made from one input, so remove just that one.
        var stale = diff is null
            ? section.Entries.Values.Where(e => e.Exists)
            : diff.Inputs.Where(c => c.Kind != ChangeKind.Removed).Select(c => c.After!);
        foreach (var entry in stale)
        {
            if (entry.Output.Length == 0)
            {
                continue;
            }

            RemoveOutput(entry.Output, result);
        }

        if (diff is not null)
        {
            ReportChanges(request, diff, c => OutputPhrase(request.Step, c.Current.Output), result);
        }
    }

    private static void InvalidateCompilation(SnapshotRequest request, SnapshotSection section, SectionDiff? diff, SnapshotResult result)
    {
        string stamp = request.CompileStampPath ?? throw new ArgumentException("The compile step needs a stamp path.", nameof(request));
        byte[] content = Encoding.UTF8.GetBytes(result.Fingerprint + "\n");
        try
        {
            // With no usable previous snapshot, rewrite the stamp even if its text matches: the
            // outputs may come from anywhere (a restored cache, a build without the package).
            result.StampWritten = diff is null
                ? WriteAlways(stamp, content)
                : AtomicFile.WriteIfDifferent(stamp, content);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            result.Diagnostics.Add(Descriptors.IW3003.CreateForFile(stamp, stamp, ex.Message));
            throw;
        }

        if (diff is not null)
        {
            ReportChanges(request, diff, _ => "compilation will be redone", result);
        }
    }

    private static bool WriteAlways(string path, byte[] content)
    {
        AtomicFile.Write(path, content);
        return true;
    }

    private static void RemoveOutput(string output, SnapshotResult result)
    {
        try
        {
            if (File.Exists(output))
            {
                File.Delete(output);
                result.RemovedOutputs.Add(output);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            result.Diagnostics.Add(Descriptors.IW3002.CreateForFile(output, output, ex.Message));
            throw;
        }
    }

    private static void ReportChanges(SnapshotRequest request, SectionDiff diff, Func<InputChange, string> phrase, SnapshotResult result)
    {
        int listed = 0;
        foreach (var change in diff.Inputs.OrderBy(c => c.Current.Path, StringComparer.Ordinal))
        {
            if (listed++ == MaxListedChanges)
            {
                result.Diagnostics.Add(Descriptors.IW1008.Create(diff.Inputs.Count - MaxListedChanges, request.ProjectName, request.SnapshotPath));
                break;
            }

            var descriptor = change.Kind switch
            {
                ChangeKind.Added => Descriptors.IW1003,
                ChangeKind.Removed => Descriptors.IW1004,
                _ when change.TimestampDidNotAdvance => Descriptors.IW1001,
                _ => Descriptors.IW1002,
            };
            result.Diagnostics.Add(descriptor.Create(change.Current.Path, phrase(change)));
        }

        foreach (var property in diff.Properties)
        {
            string what = request.Step == BuildStep.Compile ? "compilation will be redone" : EverythingPhrase(request.Step);
            result.Diagnostics.Add(property.Name.StartsWith(PackageVersions.PropertyPrefix, StringComparison.Ordinal)
                ? Descriptors.IW1006.Create(property.Name[PackageVersions.PropertyPrefix.Length..], property.Before ?? "none", property.After ?? "none", what)
                : Descriptors.IW1005.Create(property.Name, property.Before ?? string.Empty, property.After ?? string.Empty, what));
        }
    }

    private static string OutputPhrase(BuildStep step, string? output) => step switch
    {
        BuildStep.Resources => $"its resources will be regenerated ({Path.GetFileName(output)})",
        BuildStep.Copy => $"its copy will be redone ({output})",
        _ => "compilation will be redone",
    };

    private static string EverythingPhrase(BuildStep step) => step switch
    {
        BuildStep.Resources => "every .resx is regenerated",
        BuildStep.Copy => "every file is copied to the output folder again",
        _ => "the project is compiled",
    };
}
