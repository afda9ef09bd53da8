using IncrementalWatch.FileSystem;
using IncrementalWatch.Snapshots;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace IncrementalWatch.Tasks;

/// <summary>
/// Runs just before a build step (resource generation, compilation, copying to the output
/// folder): snapshots the step's inputs by content, compares with the previous snapshot, and
/// invalidates exactly the stale work so MSBuild redoes it.
/// </summary>
/// <remarks>
/// It runs up to three times in every project of every build, so it takes its parameters
/// through <see cref="IGeneratedTask"/>: MSBuild then calls <see cref="SetPropertyValue"/>
/// instead of setting each property by reflection, whose invoke stubs (two for each parameter)
/// every fresh MSBuild node would otherwise emit and JIT-compile before the first check.
/// </remarks>
public sealed class CheckBuildStep : IncrementalWatchTask, IGeneratedTask
{
    /// <summary>Resources, Compile or Copy.</summary>
    [Required]
    public string Step { get; set; } = string.Empty;

    [Required]
    public string ProjectName { get; set; } = string.Empty;

    /// <summary>The project's folder, recorded so that a snapshot carried to another folder is known as such.</summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>The project's snapshot file.</summary>
    [Required]
    public string SnapshotFile { get; set; } = string.Empty;

    /// <summary>
    /// The step's inputs, with metadata IncrementalWatchKind (an <see cref="InputKind"/>) and,
    /// for resources and copies, IncrementalWatchOutput (the output made from that input).
    /// </summary>
    public ITaskItem[] Inputs { get; set; } = [];

    // The compile step's inputs, one parameter per kind: the targets pass MSBuild's own item
    // lists here as they are, instead of copying each item (with all its metadata) into one
    // list tagged with its kind, which cost more than the check itself in a no-op build.

    /// <summary>For Compile: the C# sources (kind Compile).</summary>
    public ITaskItem[] Sources { get; set; } = [];

    /// <summary>For Compile: the resources embedded by the compiler (kind EmbeddedResource).</summary>
    public ITaskItem[] EmbeddedResources { get; set; } = [];

    /// <summary>For Compile: the references passed to the compiler (kind Reference).</summary>
    public ITaskItem[] References { get; set; } = [];

    /// <summary>For Compile: analyzers and source generators (kind Analyzer).</summary>
    public ITaskItem[] Analyzers { get; set; } = [];

    /// <summary>For Compile: additional files (kind AdditionalFile).</summary>
    public ITaskItem[] AdditionalFiles { get; set; } = [];

    /// <summary>For Compile: analyzer configuration files (kind AnalyzerConfig).</summary>
    public ITaskItem[] AnalyzerConfigFiles { get; set; } = [];

    /// <summary>For Compile: the project file and its imports (kind Import).</summary>
    public ITaskItem[] Imports { get; set; } = [];

    /// <summary>For Compile: icons, key files and the user's IncrementalWatchInput items (kind Extra).</summary>
    public ITaskItem[] ExtraInputs { get; set; } = [];

    /// <summary>
    /// For Copy: the items MSBuild's copy steps copy to the output folder, as the SDK lists them
    /// (this project's and those referenced projects pass on), each with its TargetPath. The
    /// copy is <see cref="OutputDirectory"/> joined with TargetPath (kind CopyToOutput).
    /// </summary>
    public ITaskItem[] CopiedFiles { get; set; } = [];

    /// <summary>For Copy: the output folder ($(OutDir)), relative to the project's folder or full.</summary>
    public string? OutputDirectory { get; set; }

    /// <summary>Output-shaping properties: the item spec is the name, metadata Value the value.</summary>
    public ITaskItem[] Properties { get; set; } = [];

    /// <summary>
    /// For Compile: DefineConstants as CoreCompile gets it, recorded as a property of that
    /// name. The other properties come from the evaluation; the SDK adds to this one in a target.
    /// </summary>
    public string? DefineConstants { get; set; }

    /// <summary>For Compile: the stamp file listed in CustomAdditionalCompileInputs.</summary>
    public string? CompileStampFile { get; set; }

    /// <summary>For Compile: project.assets.json, for the resolved package versions.</summary>
    public string? AssetsFile { get; set; }

    /// <summary>
    /// Folders no build step writes (the NuGet package folders, the SDK's targeting packs): the
    /// facts of inputs there are read once per build and node, not once per project.
    /// </summary>
    public string[] SharedInputFolders { get; set; } = [];

    /// <summary>The step's content fingerprint (hex), for tools and CI cache keys.</summary>
    [Output]
    public string Fingerprint { get; private set; } = string.Empty;

    /// <summary>Stale outputs removed so the step redoes them.</summary>
    [Output]
    public ITaskItem[] RemovedOutputs { get; private set; } = [];

    /// <summary>Sets a parameter by name; MSBuild has already converted the value to the property's type.</summary>
    public void SetPropertyValue(TaskPropertyInfo property, object value)
    {
        switch (property.Name)
        {
            case nameof(Step): Step = (string)value; break;
            case nameof(ProjectName): ProjectName = (string)value; break;
            case nameof(ProjectDirectory): ProjectDirectory = (string?)value; break;
            case nameof(SnapshotFile): SnapshotFile = (string)value; break;
            case nameof(Inputs): Inputs = (ITaskItem[])value; break;
            case nameof(Sources): Sources = (ITaskItem[])value; break;
            case nameof(EmbeddedResources): EmbeddedResources = (ITaskItem[])value; break;
            case nameof(References): References = (ITaskItem[])value; break;
            case nameof(Analyzers): Analyzers = (ITaskItem[])value; break;
            case nameof(AdditionalFiles): AdditionalFiles = (ITaskItem[])value; break;
            case nameof(AnalyzerConfigFiles): AnalyzerConfigFiles = (ITaskItem[])value; break;
            case nameof(Imports): Imports = (ITaskItem[])value; break;
            case nameof(ExtraInputs): ExtraInputs = (ITaskItem[])value; break;
            case nameof(CopiedFiles): CopiedFiles = (ITaskItem[])value; break;
            case nameof(OutputDirectory): OutputDirectory = (string?)value; break;
            case nameof(Properties): Properties = (ITaskItem[])value; break;
            case nameof(DefineConstants): DefineConstants = (string?)value; break;
            case nameof(CompileStampFile): CompileStampFile = (string?)value; break;
            case nameof(AssetsFile): AssetsFile = (string?)value; break;
            case nameof(SharedInputFolders): SharedInputFolders = (string[])value; break;
            default: throw new ArgumentException($"{nameof(CheckBuildStep)} has no settable parameter '{property.Name}'.", nameof(property));
        }
    }

    /// <summary>Reads a parameter by name: MSBuild reads the outputs this way.</summary>
    public object? GetPropertyValue(TaskPropertyInfo property) => property.Name switch
    {
        nameof(Fingerprint) => Fingerprint,
        nameof(RemovedOutputs) => RemovedOutputs,
        nameof(Step) => Step,
        nameof(ProjectName) => ProjectName,
        nameof(ProjectDirectory) => ProjectDirectory,
        nameof(SnapshotFile) => SnapshotFile,
        nameof(Inputs) => Inputs,
        nameof(Sources) => Sources,
        nameof(EmbeddedResources) => EmbeddedResources,
        nameof(References) => References,
        nameof(Analyzers) => Analyzers,
        nameof(AdditionalFiles) => AdditionalFiles,
        nameof(AnalyzerConfigFiles) => AnalyzerConfigFiles,
        nameof(Imports) => Imports,
        nameof(ExtraInputs) => ExtraInputs,
        nameof(CopiedFiles) => CopiedFiles,
        nameof(OutputDirectory) => OutputDirectory,
        nameof(Properties) => Properties,
        nameof(DefineConstants) => DefineConstants,
        nameof(CompileStampFile) => CompileStampFile,
        nameof(AssetsFile) => AssetsFile,
        nameof(SharedInputFolders) => SharedInputFolders,
        _ => throw new ArgumentException($"{nameof(CheckBuildStep)} has no parameter '{property.Name}'.", nameof(property)),
    };

    protected override void ExecuteCore()
    {
        // The work is in StepInputs, a plain class: methods of a class derived from MSBuild's
        // Task are not taken from the ReadyToRun image (their layout depends on MSBuild's own
        // assembly), so a fresh node would JIT-compile them.
        BuildStep step = StepInputs.ParseStep(Step);
        var inputs = StepInputs.Collect(step, ProjectDirectory, Inputs, Sources, EmbeddedResources, References, Analyzers, AdditionalFiles, AnalyzerConfigFiles, Imports, ExtraInputs);
        StepInputs.AddCopies(inputs, ProjectDirectory, OutputDirectory, CopiedFiles);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in Properties)
        {
            properties[item.ItemSpec] = item.GetMetadata("Value");
        }

        if (step == BuildStep.Compile)
        {
            // MSBuild leaves an empty parameter unset; an empty value is still a value.
            properties[nameof(DefineConstants)] = DefineConstants ?? string.Empty;
        }

        if (!string.IsNullOrEmpty(ProjectDirectory))
        {
            properties[SnapshotSection.ProjectDirectoryProperty] = Path.TrimEndingDirectorySeparator(Path.GetFullPath(ProjectDirectory));
        }

        // The snapshot is parsed once per build, not once per step, and the facts of inputs in
        // shared folders are read once per build (as sourcelink keeps its repository state with
        // RegisterTaskObject).
        var engine = BuildEngine as IBuildEngine4;
        var request = new SnapshotRequest(ProjectName, SnapshotFile, step, inputs, properties, CompileStampFile, AssetsFile, SharedFacts(engine));
        string cacheKey = "IncrementalWatch.Snapshot:" + SnapshotFile;
        var loaded = engine?.GetRegisteredTaskObject(cacheKey, RegisteredTaskObjectLifetime.Build) as LoadedSnapshot;
        var result = SnapshotUpdater.Run(request, loaded);
        if (engine is not null && result.Loaded is not null)
        {
            engine.RegisterTaskObject(cacheKey, result.Loaded, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);
        }

        foreach (var diagnostic in result.Diagnostics)
        {
            Report(diagnostic);
        }

        // The cost summary is for detailed logs and binlogs; skip formatting it otherwise.
        if (result.Stats is not null && !result.Failed && Log.LogsMessagesOfImportance(MessageImportance.Low))
        {
            Report(SnapshotUpdater.Summary(request, result.Stats, result.ByDigest));
        }

        Fingerprint = result.Fingerprint.IsNone ? string.Empty : result.Fingerprint.ToString();
        RemovedOutputs = result.RemovedOutputs.Select(p => (ITaskItem)new TaskItem(p)).ToArray();
    }

    private SharedInputFacts? SharedFacts(IBuildEngine4? engine)
    {
        if (SharedInputFolders.Length == 0)
        {
            return null;
        }

        string key = SharedInputFacts.KeyFor(SharedInputFolders);
        if (engine?.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is not SharedInputFacts shared)
        {
            shared = new SharedInputFacts(SharedInputFolders);
            engine?.RegisterTaskObject(key, shared, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);
        }

        // A project inside a shared folder writes files there (its obj/): read everything.
        return !string.IsNullOrEmpty(ProjectDirectory) && shared.Holds(ProjectDirectory) ? null : shared;
    }
}
