using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace IncrementalWatch.Tasks;

/// <summary>The project files a solution lists (.sln or .slnx), as full paths in the file's order.</summary>
public static class SolutionFile
{
    private static readonly Regex SlnProject = new("^Project\\(\"\\{[^}]+\\}\"\\)\\s*=\\s*\"[^\"]*\",\\s*\"(?<path>[^\"]+)\"", RegexOptions.CultureInvariant | RegexOptions.Multiline);

    public static List<string> ProjectPaths(string solution)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(solution))!;
        IEnumerable<string> paths = solution.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase)
            ? XDocument.Load(solution).Descendants("Project").Select(p => (string?)p.Attribute("Path")).OfType<string>()
            : SlnProject.Matches(File.ReadAllText(solution)).Select(m => m.Groups["path"].Value);
        return paths
            .Where(p => p.EndsWith("proj", StringComparison.OrdinalIgnoreCase))
            .Select(p => Path.GetFullPath(Path.Combine(folder, p.Replace('\\', Path.DirectorySeparatorChar))))
            .ToList();
    }
}
