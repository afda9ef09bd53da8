
namespace IncrementalWatch.Contracts;

/// <summary>One project the verification looks at, as its build evaluated it.</summary>
/// <param name="ProjectFile">Full path of the project file.</param>
/// <param name="Name">The project's name.</param>
/// <param name="SnapshotFile">Its content snapshot in obj/.</param>
/// <param name="TargetPath">The built assembly in the output folder.</param>
/// <param name="IntermediateAssembly">The assembly the compiler writes in obj/.</param>
/// <param name="TargetFramework">For a project with TargetFrameworks, the inner build this is; empty otherwise.</param>
public sealed record VerifyProject(string ProjectFile, string Name, string SnapshotFile, string TargetPath, string IntermediateAssembly, string TargetFramework = "")
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string Directory => Path.GetDirectoryName(ProjectFile)!;

    /// <summary>The name in reports: "Lib", or "Lib (net8.0)" for one framework of a multi-targeted project.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Label => TargetFramework.Length > 0 ? $"{Name} ({TargetFramework})" : Name;
}

/// <summary>The kinds of input the invalidation proof changes, one file of each per project.</summary>
public enum ProofKind
{
    /// <summary>A C# source file: a new empty type changes the assembly.</summary>
    Source,

    /// <summary>A .resx file: a new string resource changes the embedded resources.</summary>
    ResxResource,

    /// <summary>Any other embedded resource: its bytes are embedded as they are.</summary>
    EmbeddedFile,

    /// <summary>A file copied to the output folder: the copy must follow.</summary>
    CopiedFile,

    /// <summary>An additional file for analyzers and generators: the compiler must run again.</summary>
    AdditionalFile,

    /// <summary>A culture's .resx (Strings.fr.resx): a new string changes that culture's satellite assembly.</summary>
    SatelliteResx,

    /// <summary>A Razor page, view or component (.cshtml, .razor): new markup changes the compiled assembly.</summary>
    Razor,
}

/// <summary>An input the invalidation proof may change.</summary>
/// <param name="CopyOutput">For a copied file: its copy in the output folder.</param>
/// <param name="TargetFramework">The inner build that listed it, for a project with TargetFrameworks.</param>
public sealed record ProofInput(string ProjectFile, ProofKind Kind, string Path, string CopyOutput, string TargetFramework = "");

/// <summary>
/// What the VerifyCacheInvalidation task asks the verifier to do, written as JSON
/// (<see cref="ContractJson"/>) for the host to read.
/// </summary>
public sealed class VerifyRequest
{
    public required VerifyProject Entry { get; init; }

    /// <summary>The entry and every project it references that has the package.</summary>
    public required IReadOnlyList<VerifyProject> Closure { get; init; }

    /// <summary>Referenced projects without the package (not verifiable).</summary>
    public IReadOnlyList<string> MissingPackage { get; init; } = Array.Empty<string>();

    /// <summary>The solution the build was started on, if any: each project then reports only itself.</summary>
    public string? Solution { get; init; }

    public required string ReportDirectory { get; init; }

    /// <summary>Global properties of the build (Name=Value), for every inner build.</summary>
    public IReadOnlyList<string> Properties { get; init; } = Array.Empty<string>();

    /// <summary>Targets allowed to do work in a second build.</summary>
    public IReadOnlyList<string> AllowedTargets { get; init; } = Array.Empty<string>();

    public bool Proof { get; init; }

    /// <summary>Inputs the proof may change, from the projects' evaluations.</summary>
    public IReadOnlyList<ProofInput> ProofInputs { get; init; } = Array.Empty<ProofInput>();

    /// <summary>Analyze this binary log instead of building twice.</summary>
    public string? BinaryLog { get; init; }

    /// <summary>The folder copied for the invalidation proof; empty: found from the entry.</summary>
    public string? WorkspaceRoot { get; init; }

    public string DotnetPath { get; init; } = "dotnet";

    /// <summary>IncrementalWatchVerifyStrict: work by package and SDK targets fails the check too.</summary>
    public bool Strict { get; init; }

    /// <summary>$(NuGetPackageRoot), to tell a package's targets from the user's.</summary>
    public string? PackagesRoot { get; init; }

    /// <summary>IncrementalWatchNeverInputFolders: not recorded as the second build's writes, not copied for the proof.</summary>
    public IReadOnlyList<string> NeverInputFolders { get; init; } = Array.Empty<string>();

    [System.Text.Json.Serialization.JsonIgnore]
    public bool SolutionMode => !string.IsNullOrEmpty(Solution);

    /// <summary>The name of the report files: the solution's on a solution (one report for all its projects), else the entry project's.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ReportName => SolutionMode ? Path.GetFileNameWithoutExtension(Solution!) : Entry.Name;

    public void Save(string path) => ContractFile.Save(path, this, ContractJson.Default.VerifyRequest);

    /// <exception cref="InvalidDataException">The file is not a request this version wrote.</exception>
    public static VerifyRequest Load(string path) => ContractFile.Load(path, ContractJson.Default.VerifyRequest);
}
