using IncrementalWatch.Diagnostics;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Snapshots;

/// <summary>What <see cref="SnapshotUpdater"/> did for one step.</summary>
public sealed class SnapshotResult
{
    public List<Diagnostic> Diagnostics { get; } = [];

    /// <summary>The step's fingerprint over content and properties; none when the step failed.</summary>
    public ContentHash Fingerprint { get; set; }

    /// <summary>Stale outputs that were removed so the step redoes them.</summary>
    public List<string> RemovedOutputs { get; } = [];

    /// <summary>True when the compile stamp was rewritten, so CoreCompile runs.</summary>
    public bool StampWritten { get; set; }

    /// <summary>True when the snapshot file was rewritten (false when nothing changed).</summary>
    public bool SnapshotWritten { get; set; }

    public SnapshotStats? Stats { get; set; }

    /// <summary>True when the step was decided by the section's stat digest alone (nothing changed, no entry read).</summary>
    public bool ByDigest { get; set; }

    /// <summary>The snapshot the file now holds, for the next step of the same build.</summary>
    public LoadedSnapshot? Loaded { get; set; }

    public bool Failed => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
