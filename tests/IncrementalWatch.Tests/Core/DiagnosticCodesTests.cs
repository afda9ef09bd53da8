using System.Text.RegularExpressions;
using IncrementalWatch.Diagnostics;

namespace IncrementalWatch.Tests.Core;

public sealed partial class DiagnosticCodesTests
{
    [Fact]
    public void Codes_are_well_formed_and_their_formats_are_valid()
    {
        var all = Diagnostic.All();
        Assert.NotEmpty(all);
        foreach (var (code, format) in all)
        {
            Assert.Matches(CodePattern(), code);
            int highest = FormatItem().Matches(format).Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(-1).Max();
            var args = Enumerable.Range(0, highest + 1).Select(i => (object)$"arg{i}").ToArray();
            string text = Diagnostic.Create(code, args).Message;
            Assert.DoesNotContain("{", text.Replace("arg", string.Empty));
        }
    }

    [Fact]
    public void Every_code_used_in_the_sources_is_defined_and_documented()
    {
        var defined = Diagnostic.All().Keys.ToHashSet();
        string root = Support.RepoPaths.Root;
        var used = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => UsedCode().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();

        // The targets log some codes themselves (Error and Message tasks with Code="IW....").
        var usedByTargets = Directory.GetFiles(Path.Combine(root, "targets"), "*.targets", SearchOption.AllDirectories)
            .SelectMany(f => TargetsCode().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.NotEmpty(usedByTargets);
        used.UnionWith(usedByTargets);
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));

        Assert.Equal(defined.Order(), used.Order());
        Assert.All(defined, code => Assert.Contains($"`{code}`", readme));
    }

    [GeneratedRegex("^IW[0-9]{4}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"\{(\d+)")]
    private static partial Regex FormatItem();

    [GeneratedRegex("\"(IW[0-9]{4})\"")]
    private static partial Regex UsedCode();

    [GeneratedRegex("Code=\"(IW[0-9]{4})\"")]
    private static partial Regex TargetsCode();
}
