using System.Text;

namespace IncrementalWatch.Benchmarks;

/// <summary>
/// Generates a solution of 20 projects shaped like a real repository, around the real-shaped
/// test asset testassets/Shapes (a multi-targeted library with satellite resources, an xunit test
/// project with the test SDK and coverlet, a Razor Pages app): twelve libraries in chains of
/// references, four more xunit test projects, and a console tool. Every project gets the package
/// through Directory.Build.props when IwTestPackageVersion is set, as a user would add it.
/// </summary>
public static class RepoShape
{
    public const int Libraries = 12;
    public const int ExtraTestProjects = 4;

    /// <summary>Writes the solution under <paramref name="root"/>; returns the .slnx path.</summary>
    public static string Generate(string repoRoot, string root, string feed)
    {
        BenchFiles.CopyAsset(Path.Combine(repoRoot, "testassets", "Shapes"), root, feed);
        var projects = new List<string> { "Text/Text.csproj", "Text.Tests/Text.Tests.csproj", "Pages/Pages.csproj" };

        for (int i = 1; i <= Libraries; i++)
        {
            string name = $"Lib{i:00}";
            // Chains of three: Lib02 -> Lib01, Lib03 -> Lib02, Lib05 -> Lib04, ...; the first of each chain uses Text.
            string reference = i % 3 == 1 ? "../Text/Text.csproj" : $"../Lib{i - 1:00}/Lib{i - 1:00}.csproj";
            var files = Enumerable.Range(1, 15).ToDictionary(
                n => $"Feature{n:00}.cs",
                n => $"namespace {name};\n\npublic sealed class Feature{n:00}\n{{\n    public string Describe(int value) => $\"{name}.Feature{n:00}:{{value}}\";\n}}\n");
            Write(root, name, $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{reference}" />
                    <None Update="settings.json" CopyToOutputDirectory="PreserveNewest" />
                  </ItemGroup>
                </Project>
                """, files.Append(new("settings.json", $"{{ \"name\": \"{name}\" }}\n")));
            projects.Add($"{name}/{name}.csproj");
        }

        for (int i = 1; i <= ExtraTestProjects; i++)
        {
            string name = $"Lib{i * 3:00}.Tests";
            string test = File.ReadAllText(Path.Combine(root, "Text.Tests", "Text.Tests.csproj"))
                .Replace(@"..\Text\Text.csproj", $@"..\Lib{i * 3:00}\Lib{i * 3:00}.csproj", StringComparison.Ordinal);
            Write(root, name, test, new Dictionary<string, string>
            {
                ["FeatureTests.cs"] = $"namespace Lib{i * 3:00}.Tests;\n\npublic class FeatureTests\n{{\n    [Fact]\n    public void Describes() => Assert.Contains(\"Feature01\", new Lib{i * 3:00}.Feature01().Describe(1));\n}}\n",
            });
            projects.Add($"{name}/{name}.csproj");
        }

        Write(root, "Tool", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="../Lib12/Lib12.csproj" />
              </ItemGroup>
            </Project>
            """, new Dictionary<string, string> { ["Program.cs"] = "Console.WriteLine(new Lib12.Feature01().Describe(42));\n" });
        projects.Add("Tool/Tool.csproj");

        var solution = new StringBuilder("<Solution>\n");
        projects.ForEach(p => solution.Append($"  <Project Path=\"{p}\" />\n"));
        string path = Path.Combine(root, "Repo.slnx");
        File.WriteAllText(path, solution.Append("</Solution>\n").ToString());
        return path;
    }

    private static void Write(string root, string project, string projectFile, IEnumerable<KeyValuePair<string, string>> files)
    {
        string folder = Path.Combine(root, project);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, project + ".csproj"), projectFile);
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(folder, name), text);
        }
    }
}
