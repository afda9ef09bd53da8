using System.Xml.Linq;
using IncrementalWatch.Tests.Support;

namespace IncrementalWatch.Tests.Architecture;

/// <summary>
/// The package's props and targets are evaluated with every project, in every build, before
/// any of its targets runs. A property function MSBuild does not call directly is bound by
/// reflection, first-chance exceptions included, in every evaluation: five of them (runtime
/// identifier, runtime version, NormalizeDirectory with several arguments) cost about 7 ms per
/// project evaluation. Outside targets, only the functions MSBuild runs without reflection
/// (its WellKnownFunctions, with the argument counts it accepts there) may be used.
/// </summary>
public sealed class EvaluationCostTests
{
    // [MSBuild]:: functions MSBuild calls directly, and how many arguments it accepts for that (-1: any).
    private static readonly Dictionary<string, int> s_direct = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NormalizePath"] = -1,
        ["EnsureTrailingSlash"] = 1,
        ["NormalizeDirectory"] = 1,
        ["ValueOrDefault"] = 2,
        ["IsOSPlatform"] = 1,
        ["VersionEquals"] = 2,
        ["VersionLessThan"] = 2,
        ["VersionLessThanOrEquals"] = 2,
        ["VersionGreaterThan"] = 2,
        ["VersionGreaterThanOrEquals"] = 2,
        ["Escape"] = 1,
        ["Unescape"] = 1,
    };

    [Fact]
    public void Evaluation_calls_no_property_function_that_MSBuild_binds_by_reflection()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "targets"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        var found = new List<string>();
        var calls = 0;
        foreach (string file in files)
        {
            var document = XDocument.Load(file);
            document.Descendants().Where(e => e.Name.LocalName == "Target").ToList().ForEach(t => t.Remove());
            foreach (string text in document.Descendants().SelectMany(e => e.Attributes().Select(a => a.Value).Concat(e.Nodes().OfType<XText>().Select(t => t.Value))))
            {
                foreach (var (receiver, method, arguments) in Calls(text))
                {
                    calls++;
                    bool direct = receiver == "MSBuild" && s_direct.TryGetValue(method, out int count) && (count < 0 || count == arguments);
                    if (!direct)
                    {
                        found.Add($"{Path.GetFileName(file)}: $([{receiver}]::{method}) with {arguments} arguments");
                    }
                }
            }
        }

        Assert.True(calls > 3, $"Only {calls} property functions found outside targets; the scan is not reading the files.");
        Assert.True(found.Count == 0, "Bound by reflection in every evaluation:\n" + string.Join('\n', found));
    }

    [Theory]
    [InlineData("$([MSBuild]::NormalizePath('a', 'b'))", "MSBuild NormalizePath 2")]
    [InlineData("$([MSBuild]::EnsureTrailingSlash($([MSBuild]::NormalizePath('a', 'b,c', 'd'))))", "MSBuild EnsureTrailingSlash 1;MSBuild NormalizePath 3")]
    [InlineData("$([System.Environment]::Version.Major)", "System.Environment Version 0")]
    public void The_scan_counts_arguments_at_the_top_level_only(string text, string expected)
    {
        Assert.Equal(expected, string.Join(';', Calls(text).Select(c => $"{c.Receiver} {c.Method} {c.Arguments}")));
    }

    /// <summary>Each $([Type]::Member...) in the text, with the number of arguments of its call (0 for a property).</summary>
    private static IEnumerable<(string Receiver, string Method, int Arguments)> Calls(string text)
    {
        int at = 0;
        while ((at = text.IndexOf("$([", at, StringComparison.Ordinal)) >= 0)
        {
            int close = text.IndexOf("]::", at, StringComparison.Ordinal);
            string receiver = text[(at + 3)..close];
            int name = close + 3;
            int end = name;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            string method = text[name..end];
            int arguments = 0;
            if (end < text.Length && text[end] == '(')
            {
                int depth = 0;
                bool quoted = false;
                bool any = false;
                for (int i = end + 1; i < text.Length; i++)
                {
                    char c = text[i];
                    if (c == '\'')
                    {
                        quoted = !quoted;
                    }
                    else if (!quoted && c == '(')
                    {
                        depth++;
                    }
                    else if (!quoted && c == ')')
                    {
                        if (depth-- == 0)
                        {
                            break;
                        }
                    }
                    else if (!quoted && depth == 0 && c == ',')
                    {
                        arguments++;
                    }

                    any |= !char.IsWhiteSpace(c);
                }

                arguments = any ? arguments + 1 : 0;
            }

            yield return (receiver, method, arguments);
            at = name;
        }
    }
}
