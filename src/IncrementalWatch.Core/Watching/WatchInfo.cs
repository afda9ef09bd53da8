using System.Text;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Watching;

/// <summary>One project of the watched closure: where it is and where its build writes.</summary>
public sealed record WatchedProject(string ProjectFile, string Directory, string OutputRoot, string IntermediateRoot);

/// <summary>
/// What a build tells the host: how to run the app (as dotnet run would) and which files and
/// projects to watch. Written by the package's targets after each successful build, in a
/// tab-separated text file under obj/IncrementalWatch/.
/// </summary>
public sealed record WatchInfo(
    string RunCommand,
    string RunArguments,
    string RunWorkingDirectory,
    string TargetDirectory,
    string LaunchSettingsFile,
    IReadOnlyList<WatchedProject> Projects,
    IReadOnlyList<string> Files)
{
    private const string Header = "IWWATCH 1";

    public byte[] Serialize()
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        Line(text, "run-command", RunCommand);
        Line(text, "run-arguments", RunArguments);
        Line(text, "run-working-directory", RunWorkingDirectory);
        Line(text, "target-directory", TargetDirectory);
        Line(text, "launch-settings", LaunchSettingsFile);
        foreach (var project in Projects)
        {
            Line(text, "project", project.ProjectFile, project.Directory, project.OutputRoot, project.IntermediateRoot);
        }

        foreach (string file in Files)
        {
            Line(text, "file", file);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <exception cref="InvalidDataException">The file is not a watch-info file.</exception>
    public static WatchInfo Load(string path)
    {
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw new InvalidDataException($"'{path}' is not an IncrementalWatch watch-info file (expected the header '{Header}').");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var projects = new List<WatchedProject>();
        var files = new List<string>();
        foreach (string line in lines.Skip(1))
        {
            string[] parts = line.Split('\t');
            switch (parts[0])
            {
                case "project" when parts.Length == 5:
                    projects.Add(new WatchedProject(parts[1], parts[2], parts[3], parts[4]));
                    break;
                case "file" when parts.Length == 2:
                    files.Add(parts[1]);
                    break;
                default:
                    if (parts.Length == 2)
                    {
                        values[parts[0]] = parts[1];
                    }

                    break;
            }
        }

        string Value(string key) => values.TryGetValue(key, out string? v) ? v : "";
        return new WatchInfo(Value("run-command"), Value("run-arguments"), Value("run-working-directory"), Value("target-directory"), Value("launch-settings"), projects, files);
    }

    public bool Save(string path) => AtomicFile.WriteIfDifferent(path, Serialize());

    private static void Line(StringBuilder text, string key, params string[] values)
    {
        text.Append(key);
        foreach (string value in values)
        {
            // Tabs and line breaks cannot occur in paths MSBuild hands out; keep the format safe anyway.
            text.Append('\t').Append(value.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' '));
        }

        text.Append('\n');
    }
}
