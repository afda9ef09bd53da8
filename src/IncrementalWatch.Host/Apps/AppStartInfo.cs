using IncrementalWatch.Contracts;
using IncrementalWatch.Host.Terminal;
namespace IncrementalWatch.Host.Apps;

/// <summary>How to start the app: the program, its arguments, where, and with what environment.</summary>
/// <param name="FileName">A path, or a name looked up on PATH (e.g. "dotnet").</param>
/// <param name="Arguments">Arguments, each passed as one argv entry.</param>
/// <param name="WorkingDirectory">The app's current directory.</param>
/// <param name="Environment">The complete environment of the app.</param>
public sealed record AppStartInfo(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>
    /// Where the app's stdout and stderr go: null leaves them the host's own (the terminal);
    /// a sink gets them through a pipe, a line at a time.
    /// </summary>
    public ConsoleSink? Output { get; init; }

    public string CommandLine => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(Quote));

    private static string Quote(string arg) =>
        arg.Length > 0 && !arg.Any(c => char.IsWhiteSpace(c) || c == '"') ? arg : "\"" + arg.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
