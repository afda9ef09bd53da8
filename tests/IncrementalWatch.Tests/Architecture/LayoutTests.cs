using System.Text.RegularExpressions;
using IncrementalWatch.Tests.Support;

namespace IncrementalWatch.Tests.Architecture;

/// <summary>The layout by process: what MSBuild loads stays apart from the host, and no two folders need each other.</summary>
public sealed partial class LayoutTests
{
    [Fact]
    public void No_two_folders_of_the_product_depend_on_each_other()
    {
        var graph = FolderGraph();
        Assert.Contains("IncrementalWatch.Host.Watch", graph.Keys);
        foreach (var (from, tos) in graph)
        {
            foreach (string to in tos)
            {
                var path = PathBetween(graph, to, from);
                Assert.True(path is null, $"{from} uses {to}, and {to} reaches back: {string.Join(" -> ", path ?? [])}");
            }
        }
    }

    [Fact]
    public void What_MSBuild_loads_uses_no_host_code()
    {
        string src = Path.Combine(RepoPaths.Root, "src");
        foreach (string project in new[] { "IncrementalWatch.Core", "IncrementalWatch.Tasks" })
        {
            foreach (string file in SourceFiles(Path.Combine(src, project)))
            {
                Assert.DoesNotMatch(HostNamespace(), File.ReadAllText(file));
            }

            // The tasks project builds the host to pack it beside the tasks, and names it as a
            // ProjectReference only so that restore reaches it: never as a referenced assembly.
            var hostReferences = System.Xml.Linq.XDocument.Load(Path.Combine(src, project, project + ".csproj"))
                .Descendants("ProjectReference")
                .Where(r => ((string?)r.Attribute("Include") ?? "").Contains("IncrementalWatch.Host", StringComparison.Ordinal))
                .ToList();
            Assert.All(hostReferences, r => Assert.Equal("false", (string?)r.Attribute("ReferenceOutputAssembly") ?? (string?)r.Element("ReferenceOutputAssembly")));
        }
    }

    /// <summary>Namespace -> the product namespaces its files import.</summary>
    private static Dictionary<string, HashSet<string>> FolderGraph()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (string file in SourceFiles(Path.Combine(RepoPaths.Root, "src")))
        {
            string text = File.ReadAllText(file);
            if (Namespace().Match(text) is not { Success: true } ns)
            {
                continue; // top-level statements (Program.cs): the composition root
            }

            var uses = graph.TryGetValue(ns.Groups[1].Value, out var set) ? set : graph[ns.Groups[1].Value] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match use in Using().Matches(text))
            {
                if (use.Groups[1].Value != ns.Groups[1].Value)
                {
                    uses.Add(use.Groups[1].Value);
                }
            }
        }

        return graph;
    }

    private static List<string>? PathBetween(Dictionary<string, HashSet<string>> graph, string from, string to)
    {
        var queue = new Queue<List<string>>([[from]]);
        var seen = new HashSet<string> { from };
        while (queue.TryDequeue(out var path))
        {
            if (path[^1] == to)
            {
                return path;
            }

            foreach (string next in graph.GetValueOrDefault(path[^1]) ?? [])
            {
                if (seen.Add(next))
                {
                    queue.Enqueue([.. path, next]);
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p is "obj" or "bin"));

    [GeneratedRegex(@"^namespace (IncrementalWatch[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^using (IncrementalWatch[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex Using();

    [GeneratedRegex(@"IncrementalWatch\.Host\b(?!\.dll)")]
    private static partial Regex HostNamespace();
}
