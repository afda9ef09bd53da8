using System.Text;

namespace IncrementalWatch.Verification;

/// <summary>One project the verification looks at, as its build evaluated it.</summary>
/// <param name="ProjectFile">Full path of the project file.</param>
/// <param name="Name">The project's name.</param>
/// <param name="SnapshotFile">Its content snapshot in obj/.</param>
/// <param name="TargetPath">The built assembly in the output folder.</param>
/// <param name="IntermediateAssembly">The assembly the compiler writes in obj/.</param>
/// <param name="TargetFramework">For a project with TargetFrameworks, the inner build this is; empty otherwise.</param>
public sealed record VerifyProject(string ProjectFile, string Name, string SnapshotFile, string TargetPath, string IntermediateAssembly, string TargetFramework = "")
{
    public string Directory => Path.GetDirectoryName(ProjectFile)!;

    /// <summary>The name in reports: "Lib", or "Lib (net8.0)" for one framework of a multi-targeted project.</summary>
    public string Label => TargetFramework.Length > 0 ? $"{Name} ({TargetFramework})" : Name;
}

/// <summary>An input the invalidation proof may change.</summary>
/// <param name="CopyOutput">For a copied file: its copy in the output folder.</param>
/// <param name="TargetFramework">The inner build that listed it, for a project with TargetFrameworks.</param>
public sealed record ProofInput(string ProjectFile, ProofKind Kind, string Path, string CopyOutput, string TargetFramework = "");

/// <summary>
/// What the VerifyCacheInvalidation task asks the verifier to do, written to a file the host
/// reads: one "key TAB value..." line per fact, so paths with spaces need no quoting.
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

    public bool SolutionMode => !string.IsNullOrEmpty(Solution);

    /// <summary>The name of the report files: the solution's on a solution (one report for all its projects), else the entry project's.</summary>
    public string ReportName => SolutionMode ? Path.GetFileNameWithoutExtension(Solution!) : Entry.Name;

    public void Save(string path)
    {
        var text = new StringBuilder("IWVERIFY\t2\n");
        void Line(params string?[] fields) => text.Append(string.Join('\t', fields.Select(f => f ?? ""))).Append('\n');
        Line("entry", Entry.ProjectFile, Entry.Name, Entry.SnapshotFile, Entry.TargetPath, Entry.IntermediateAssembly, Entry.TargetFramework);
        foreach (var p in Closure)
        {
            Line("project", p.ProjectFile, p.Name, p.SnapshotFile, p.TargetPath, p.IntermediateAssembly, p.TargetFramework);
        }

        foreach (var input in ProofInputs)
        {
            Line("input", input.ProjectFile, input.Kind.ToString(), input.Path, input.CopyOutput, input.TargetFramework);
        }

        foreach (string missing in MissingPackage)
        {
            Line("missing", missing);
        }

        Line("solution", Solution);
        Line("report", ReportDirectory);
        foreach (string property in Properties)
        {
            Line("property", property);
        }

        foreach (string target in AllowedTargets)
        {
            Line("allow", target);
        }

        Line("proof", Proof ? "true" : "false");
        Line("binlog", BinaryLog);
        Line("root", WorkspaceRoot);
        Line("dotnet", DotnetPath);
        Line("strict", Strict ? "true" : "false");
        Line("packages", PackagesRoot);
        FileSystem.AtomicFile.Write(path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <exception cref="InvalidDataException">The file is not a request this version wrote.</exception>
    public static VerifyRequest Load(string path)
    {
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != "IWVERIFY\t2")
        {
            throw new InvalidDataException($"'{path}' is not a verification request of format 2.");
        }

        VerifyProject? entry = null;
        var closure = new List<VerifyProject>();
        var missing = new List<string>();
        var inputs = new List<ProofInput>();
        var properties = new List<string>();
        var allowed = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            string[] f = line.Split('\t');
            switch (f[0])
            {
                case "entry" when f.Length == 7:
                    entry = new VerifyProject(f[1], f[2], f[3], f[4], f[5], f[6]);
                    break;
                case "project" when f.Length == 7:
                    closure.Add(new VerifyProject(f[1], f[2], f[3], f[4], f[5], f[6]));
                    break;
                case "input" when f.Length == 6 && Enum.TryParse(f[2], out ProofKind kind):
                    inputs.Add(new ProofInput(f[1], kind, f[3], f[4], f[5]));
                    break;
                case "missing" when f.Length == 2:
                    missing.Add(f[1]);
                    break;
                case "property" when f.Length == 2:
                    properties.Add(f[1]);
                    break;
                case "allow" when f.Length == 2:
                    allowed.Add(f[1]);
                    break;
                case var key when f.Length == 2:
                    values[key] = f[1];
                    break;
                default:
                    throw new InvalidDataException($"'{path}': unreadable line '{line}'.");
            }
        }

        if (entry is null || !values.TryGetValue("report", out string? report) || report.Length == 0)
        {
            throw new InvalidDataException($"'{path}' names no entry project or report folder.");
        }

        string? Value(string key) => values.TryGetValue(key, out string? v) && v.Length > 0 ? v : null;
        return new VerifyRequest
        {
            Entry = entry,
            Closure = closure,
            MissingPackage = missing,
            Solution = Value("solution"),
            ReportDirectory = report,
            Properties = properties,
            AllowedTargets = allowed,
            Proof = Value("proof") == "true",
            ProofInputs = inputs,
            BinaryLog = Value("binlog"),
            WorkspaceRoot = Value("root"),
            DotnetPath = Value("dotnet") ?? "dotnet",
            Strict = Value("strict") == "true",
            PackagesRoot = Value("packages"),
        };
    }
}
