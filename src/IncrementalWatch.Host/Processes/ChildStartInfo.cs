using System.Collections;
using IncrementalWatch.Host.Terminal;

namespace IncrementalWatch.Host.Processes;

/// <summary>Where a child's stdout and stderr go.</summary>
public enum ChildOutput
{
    /// <summary>The host's own stdout and stderr (the terminal).</summary>
    Inherit,

    /// <summary>A pipe to <see cref="ChildStartInfo.Sink"/>, a line at a time.</summary>
    Sink,

    /// <summary>Nowhere (/dev/null): the child writes what matters to a file of its own.</summary>
    Discard,
}

/// <summary>How to start a child: the program, its arguments, where, and with what environment.</summary>
/// <param name="FileName">A path, or a name looked up on PATH (e.g. "dotnet").</param>
/// <param name="Arguments">Arguments, each passed as one argv entry.</param>
/// <param name="WorkingDirectory">The child's current directory.</param>
/// <param name="Environment">The complete environment of the child.</param>
public sealed record ChildStartInfo(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>
    /// Variables the MSBuild that runs the package sets for itself and its nodes. A child
    /// (a rebuild, the app, a verification build) must not inherit them: they would pin it to
    /// the outer build's MSBuild and SDK paths.
    /// </summary>
    public static readonly IReadOnlyList<string> InjectedVariables = ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly"];

    /// <summary>Null unless <see cref="Output"/> is <see cref="ChildOutput.Sink"/>.</summary>
    public ConsoleSink? Sink { get; init; }

    public ChildOutput Output => Sink is not null ? ChildOutput.Sink : DiscardOutput ? ChildOutput.Discard : ChildOutput.Inherit;

    /// <summary>Send stdout and stderr to /dev/null (ignored when there is a <see cref="Sink"/>).</summary>
    public bool DiscardOutput { get; init; }

    /// <summary>The name the output lines are pumped under ("app", "build").</summary>
    public string Name { get; init; } = "child";

    public string CommandLine => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(Quote));

    /// <summary>
    /// This process's environment without <see cref="InjectedVariables"/> (and any
    /// <paramref name="alsoRemove"/>): what every child starts from.
    /// </summary>
    public static Dictionary<string, string> InheritedEnvironment(params string[] alsoRemove)
    {
        var environment = new Dictionary<string, string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (DictionaryEntry variable in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)variable.Key] = (string?)variable.Value ?? "";
        }

        foreach (string name in InjectedVariables.Concat(alsoRemove))
        {
            environment.Remove(name);
        }

        return environment;
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && !arg.Any(c => char.IsWhiteSpace(c) || c == '"') ? arg : "\"" + arg.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
