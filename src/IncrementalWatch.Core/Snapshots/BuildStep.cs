namespace IncrementalWatch.Snapshots;

/// <summary>
/// The build steps a snapshot guards. Each has its own section in the snapshot, taken just
/// before the step, and its own way of invalidating stale work.
/// </summary>
public enum BuildStep
{
    /// <summary>Resource generation (.resx to .resources): a stale .resources file is removed.</summary>
    Resources,

    /// <summary>Compilation: a stamp file fed to CoreCompile is rewritten, so it runs.</summary>
    Compile,

    /// <summary>Copies to the output folder: a stale copy is removed, so it is copied again.</summary>
    Copy,
}
