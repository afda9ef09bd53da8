using System.Runtime.CompilerServices;
using Xunit.Abstractions;

namespace IncrementalWatch.Tests.Support;

/// <summary>
/// A private copy of a test asset, built with `dotnet build` exactly as a user would, with or
/// without the package. A workspace whose test did not reach <see cref="Pass"/> is kept, with
/// its binary logs, and its path is printed, so a failure can be investigated.
/// </summary>
public sealed class TestWorkspace : IDisposable
{
    private readonly ITestOutputHelper? _output;
    private int _buildNumber;
    private bool _passed;

    private TestWorkspace(string root, bool withPackage, ITestOutputHelper? output)
    {
        Root = root;
        WithPackage = withPackage;
        _output = output;
    }

    public string Root { get; }

    public bool WithPackage { get; }

    public string? LastBinlog { get; private set; }

    /// <summary>Variables set (or, with null, removed) for every `dotnet` this workspace runs from now on.</summary>
    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public static TestWorkspace Create(string asset, bool withPackage, ITestOutputHelper? output = null, [CallerMemberName] string name = "")
    {
        var feed = PackageFeed.Instance;
        string root = Path.Combine(feed.RunDirectory, $"{name}-{(withPackage ? "with" : "without")}-{Guid.NewGuid().ToString("N")[..8]}");
        CopyDirectory(Path.Combine(RepoPaths.TestAssets, asset), root);
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="incrementalwatch-under-test" value="{feed.FeedDirectory}" />
              </packageSources>
            </configuration>
            """);
        return new TestWorkspace(root, withPackage, output);
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Runs `dotnet build` on <paramref name="project"/> with a binary log.</summary>
    public ProcessResult Build(string project = "App", params string[] extra) => Dotnet("build", project, extra);

    /// <summary>Runs `dotnet VERB PROJECT` (build, clean, msbuild) with a binary log.</summary>
    public ProcessResult Dotnet(string verb, string project, params string[] extra)
    {
        LastBinlog = PathOf($"logs/{++_buildNumber:00}-{verb}.binlog");
        var args = new List<string> { verb, project, "-nologo", "-tl:off", "-v:n", $"-bl:{LastBinlog}" };
        if (WithPackage)
        {
            args.Add($"-p:IwTestPackageVersion={PackageFeed.Instance.Version}");
        }

        args.AddRange(extra);
        var environment = BuildEnvironment.Clean(PackageFeed.Instance.PackagesDirectory);
        foreach (var (key, value) in Environment)
        {
            environment[key] = value;
        }

        var result = ProcessRunner.Run("dotnet", args, Root, environment);
        File.WriteAllText(PathOf($"logs/{_buildNumber:00}-{verb}.log"), result.Output);
        _output?.WriteLine($"dotnet {string.Join(' ', args)} -> exit {result.ExitCode} in {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    /// <summary>Builds and fails the test, with the build's output, when the build fails.</summary>
    public ProcessResult BuildOk(string project = "App", params string[] extra)
    {
        var result = Build(project, extra);
        Assert.True(result.Succeeded, $"Build failed in {Root}:\n{Tail(result.Output)}");
        return result;
    }

    /// <summary>Runs the built App and returns its key=value lines.</summary>
    public Dictionary<string, string> RunApp()
    {
        var result = ProcessRunner.Run("dotnet", [PathOf("App/bin/Debug/net10.0/App.dll")], Root, BuildEnvironment.Clean(null), TimeSpan.FromMinutes(1));
        Assert.True(result.Succeeded, $"App failed in {Root}:\n{result.Output}");
        return result.Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
    }

    /// <summary>Marks the test as passed so its workspace is removed.</summary>
    public void Pass() => _passed = true;

    public void Dispose()
    {
        if (!_passed)
        {
            _output?.WriteLine($"Workspace kept for investigation: {Root}");
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static string Tail(string text, int lines = 80) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));

    private static void CopyDirectory(string source, string destination)
    {
        foreach (string directory in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, directory);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            Directory.CreateDirectory(Path.Combine(destination, relative));
        }

        Directory.CreateDirectory(destination);
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            File.Copy(file, Path.Combine(destination, relative));
        }
    }
}
