using System.Text;
using System.Text.RegularExpressions;
using IncrementalWatch.Diagnostics;

namespace IncrementalWatch.Tests.Core;

public sealed partial class DiagnosticCodesTests
{
    [Fact]
    public void Descriptors_are_well_formed_and_their_formats_are_valid()
    {
        Assert.NotEmpty(Descriptors.All);
        Assert.Equal(Descriptors.All.Count, Descriptors.All.Select(d => d.Code).Distinct().Count());
        Assert.Equal(Descriptors.All.Select(d => d.Code).Order(StringComparer.Ordinal), Descriptors.All.Select(d => d.Code));

        // Every public field is listed in All (a new descriptor cannot be forgotten there).
        var fields = typeof(Descriptors).GetFields().Select(f => (DiagnosticDescriptor)f.GetValue(null)!).ToList();
        Assert.Equal(fields.Select(d => d.Code).Order(StringComparer.Ordinal), Descriptors.All.Select(d => d.Code));
        foreach (var descriptor in Descriptors.All)
        {
            Assert.Matches(CodePattern(), descriptor.Code);
            Assert.Equal(descriptor.Code[2] switch { '2' => DiagnosticSeverity.Warning, '3' => DiagnosticSeverity.Error, _ => DiagnosticSeverity.Message }, descriptor.Severity);
            int highest = FormatItem().Matches(descriptor.Format).Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(-1).Max();
            var args = Enumerable.Range(0, highest + 1).Select(i => (object)$"arg{i}").ToArray();
            var diagnostic = descriptor.Create(args);
            Assert.DoesNotContain("{", diagnostic.Message.Replace("arg", string.Empty));
            Assert.Equal(descriptor.Severity, diagnostic.Severity);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Summary));
        }
    }

    [Fact]
    public void Every_code_used_in_the_sources_and_targets_is_defined_and_every_one_defined_is_used()
    {
        var defined = Descriptors.All.Select(d => d.Code).ToHashSet();
        string root = Support.RepoPaths.Root;
        var sources = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && Path.GetFileName(f) != "Descriptors.cs")
            .Select(File.ReadAllText)
            .ToList();
        Assert.All(sources, text => Assert.DoesNotMatch(CodeAsString(), text));
        var used = sources.SelectMany(text => DescriptorUse().Matches(text).Select(m => m.Groups[1].Value)).ToHashSet();

        // The targets log some codes themselves (Error and Message tasks with Code="IW....").
        var usedByTargets = Directory.GetFiles(Path.Combine(root, "targets"), "*.targets", SearchOption.AllDirectories)
            .SelectMany(f => TargetsCode().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.NotEmpty(usedByTargets);
        used.UnionWith(usedByTargets);

        Assert.Equal(defined.Order(), used.Order());
    }

    [Fact]
    public void The_README_table_is_the_descriptors()
    {
        var expected = new StringBuilder();
        foreach (var d in Descriptors.All)
        {
            string severity = d.Severity.ToString().ToLowerInvariant() + (d.Detailed ? " (detailed)" : "") + (d.Area != DiagnosticArea.Build ? $" ({d.Area.ToString().ToLowerInvariant()})" : "");
            expected.Append($"| `{d.Code}` | {severity} | {d.Summary.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }

        string readme = File.ReadAllText(Path.Combine(Support.RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        string actual = string.Concat(ReadmeRow().Matches(readme).Select(m => m.Value + "\n"));
        Assert.True(expected.ToString() == actual, "The README's diagnostics table differs from Descriptors. It should be:\n" + expected);
    }

    [GeneratedRegex("^IW[0-9]{4}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"\{(\d+)")]
    private static partial Regex FormatItem();

    [GeneratedRegex(@"\bDescriptors\.(IW[0-9]{4})\b")]
    private static partial Regex DescriptorUse();

    [GeneratedRegex("\"IW[0-9]{4}\"")]
    private static partial Regex CodeAsString();

    [GeneratedRegex("Code=\"(IW[0-9]{4})\"")]
    private static partial Regex TargetsCode();

    [GeneratedRegex(@"^\| `IW[0-9]{4}` \|.*\|$", RegexOptions.Multiline)]
    private static partial Regex ReadmeRow();
}
