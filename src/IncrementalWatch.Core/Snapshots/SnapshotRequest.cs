namespace IncrementalWatch.Snapshots;

/// <summary>What one build step asks of <see cref="SnapshotUpdater"/>.</summary>
/// <param name="ProjectName">The project's name, for messages.</param>
/// <param name="SnapshotPath">The project's snapshot file in obj/.</param>
/// <param name="Step">The step about to run.</param>
/// <param name="Inputs">Everything the step reads.</param>
/// <param name="Properties">Properties that shape the step's outputs.</param>
/// <param name="CompileStampPath">For <see cref="BuildStep.Compile"/>: the file CoreCompile lists as an input.</param>
/// <param name="AssetsFile">For <see cref="BuildStep.Compile"/>: project.assets.json, whose resolved package versions count as properties.</param>
/// <param name="SharedFacts">Facts of inputs in folders no build step writes, kept for this build; used only to check the stat digest.</param>
public sealed record SnapshotRequest(
    string ProjectName,
    string SnapshotPath,
    BuildStep Step,
    IReadOnlyList<InputSpec> Inputs,
    IReadOnlyDictionary<string, string> Properties,
    string? CompileStampPath = null,
    string? AssetsFile = null,
    IncrementalWatch.FileSystem.SharedInputFacts? SharedFacts = null);
