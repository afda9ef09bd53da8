using System.Globalization;
using System.Text;
using System.Xml.Linq;
using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;

namespace IncrementalWatch.Host.Verify;

public enum CheckStatus
{
    Passed,
    Failed,

    /// <summary>Did work in the second build, but allowed by the user.</summary>
    Allowed,

    /// <summary>Not checked; the detail says why (it does not fail the run).</summary>
    Skipped,

    /// <summary>
    /// Did work in the second build, but outside the user's control (a package's or the SDK's
    /// target): listed as a warning, not a failure, unless IncrementalWatchVerifyStrict.
    /// </summary>
    Warned,
}

/// <summary>One line of the report: a JUnit test case, a Markdown table row.</summary>
/// <param name="Category">"Stale outputs", "Incrementality", "Invalidation proof" or "Setup".</param>
/// <param name="Name">What was checked (a project, a target, an input).</param>
/// <param name="Detail">Why it passed or failed, for a person.</param>
/// <param name="Diagnostic">The coded error or warning the build shows for it.</param>
public sealed record CheckResult(string Category, string Name, CheckStatus Status, string Detail, TimeSpan Duration, Diagnostic? Diagnostic = null)
{
    /// <summary>The project the check is about, for a solution's report (a section and a JUnit suite per project); empty for the whole run.</summary>
    public string Project { get; init; } = "";
}

/// <summary>
/// The verification of one project: every check, and the reports made from them (Markdown for
/// a CI job summary, JUnit XML for test tabs, and the diagnostics file the MSBuild task logs).
/// </summary>
public sealed class VerifyReport
{
    public const string StaleCategory = "Stale outputs";
    public const string IncrementalityCategory = "Incrementality";
    public const string ProofCategory = "Invalidation proof";
    public const string SetupCategory = "Setup";

    private readonly List<CheckResult> _checks = new();

    public VerifyReport(string project) => Project = project;

    public string Project { get; }

    /// <summary>A solution's report: a section and a JUnit suite per project.</summary>
    public bool PerProject { get; init; }

    public IReadOnlyList<CheckResult> Checks => _checks;

    /// <summary>Diagnostics that belong to no check (informational lines).</summary>
    public List<Diagnostic> Notes { get; } = new();

    public int Failed => _checks.Count(c => c.Status == CheckStatus.Failed) + Notes.Count(n => n.Severity == DiagnosticSeverity.Error);

    public int Passed => _checks.Count(c => c.Status is CheckStatus.Passed or CheckStatus.Allowed or CheckStatus.Warned);

    public int Warned => _checks.Count(c => c.Status == CheckStatus.Warned);

    public bool Succeeded => Failed == 0;

    public void Add(CheckResult check) => _checks.Add(check);

    public string Summary(string reportDirectory) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Project}: {(Succeeded ? "PASSED" : "FAILED")}: {Passed} passed, {Failed} failed, {_checks.Count(c => c.Status == CheckStatus.Skipped)} skipped; report: {Path.Combine(reportDirectory, Project + ".md")}");

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append("## IncrementalWatch cache verification: ").Append(Escape(Project)).Append(Succeeded ? " ✅ passed" : " ❌ failed").Append("\n\n");
        md.Append(string.Create(CultureInfo.InvariantCulture, $"{Passed} passed, {Failed} failed, {_checks.Count(c => c.Status == CheckStatus.Skipped)} skipped.\n\n"));
        foreach (var note in Notes)
        {
            md.Append("- ").Append(note.Code).Append(": ").Append(Escape(note.Message)).Append('\n');
        }

        if (Notes.Count > 0)
        {
            md.Append('\n');
        }

        if (PerProject)
        {
            foreach (var project in _checks.GroupBy(c => c.Project).OrderBy(g => g.Key.Length > 0).ThenBy(g => g.Key, StringComparer.OrdinalIgnoreCase))
            {
                int failed = project.Count(c => c.Status == CheckStatus.Failed);
                md.Append("### ").Append(project.Key.Length > 0 ? Escape(project.Key) : "Whole solution").Append(failed == 0 ? " ✅" : " ❌").Append("\n\n");
                AppendTables(md, project, "####");
            }
        }
        else
        {
            AppendTables(md, _checks, "###");
        }

        return md.ToString();
    }

    private static void AppendTables(StringBuilder md, IEnumerable<CheckResult> checks, string heading)
    {
        foreach (var group in checks.GroupBy(c => c.Category))
        {
            md.Append(heading).Append(' ').Append(group.Key).Append("\n\n| | check | details | time |\n| --- | --- | --- | ---: |\n");
            foreach (var check in group)
            {
                string mark = check.Status switch
                {
                    CheckStatus.Passed => "✅",
                    CheckStatus.Failed => "❌",
                    CheckStatus.Allowed => "☑️ allowed",
                    CheckStatus.Warned => "⚠️ not yours",
                    _ => "➖ skipped",
                };
                md.Append("| ").Append(mark).Append(" | ").Append(Escape(check.Name)).Append(" | ").Append(Escape(check.Detail)).Append(" | ")
                  .Append(Milliseconds(check.Duration)).Append(" |\n");
            }

            md.Append('\n');
        }
    }

    public XDocument ToJUnit()
    {
        var suites = PerProject
            ? _checks.GroupBy(c => c.Project).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase).Select(g => Suite(g.Key.Length > 0 ? $"{Project}.{g.Key}" : Project, g.Key.Length > 0 ? g.Key : Project, g.ToList())).ToList()
            : [Suite(Project, Project, _checks)];
        if (Notes.Count > 0)
        {
            suites[0].Add(new XElement("system-err", string.Join("\n", Notes.Select(n => n.ToString()))));
        }

        var root = new XElement(
            "testsuites",
            new XAttribute("name", "IncrementalWatch"),
            new XAttribute("tests", _checks.Count),
            new XAttribute("failures", _checks.Count(c => c.Status == CheckStatus.Failed)),
            new XAttribute("time", Seconds(_checks.Sum(c => c.Duration.TotalSeconds))),
            suites);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    private static XElement Suite(string name, string classPrefix, IReadOnlyList<CheckResult> checks)
    {
        double total = checks.Sum(c => c.Duration.TotalSeconds);
        var suite = new XElement(
            "testsuite",
            new XAttribute("name", "IncrementalWatch." + name),
            new XAttribute("tests", checks.Count),
            new XAttribute("failures", checks.Count(c => c.Status == CheckStatus.Failed)),
            new XAttribute("errors", 0),
            new XAttribute("skipped", checks.Count(c => c.Status == CheckStatus.Skipped)),
            new XAttribute("time", Seconds(total)));
        foreach (var check in checks)
        {
            var testCase = new XElement(
                "testcase",
                new XAttribute("classname", $"IncrementalWatch.{classPrefix}.{check.Category.Replace(" ", "", StringComparison.Ordinal)}"),
                new XAttribute("name", check.Name),
                new XAttribute("time", Seconds(check.Duration.TotalSeconds)));
            switch (check.Status)
            {
                case CheckStatus.Failed:
                    testCase.Add(new XElement("failure", new XAttribute("message", check.Diagnostic?.ToString() ?? check.Detail), check.Detail));
                    break;
                case CheckStatus.Skipped:
                    testCase.Add(new XElement("skipped", new XAttribute("message", check.Detail)));
                    break;
                case CheckStatus.Warned:
                    testCase.Add(new XElement("system-out", "warning: " + (check.Diagnostic?.ToString() ?? check.Detail)));
                    break;
                default:
                    testCase.Add(new XElement("system-out", check.Detail));
                    break;
            }

            suite.Add(testCase);
        }

        return suite;
    }

    /// <summary>What the MSBuild task logs: the one-line summary, then every diagnostic as it is.</summary>
    public VerifyResults ToResults(string reportDirectory) =>
        new(Summary(reportDirectory), Notes.Concat(_checks.Select(c => c.Diagnostic)).OfType<Diagnostic>().ToList());

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);

    private static string Milliseconds(TimeSpan time) => time == TimeSpan.Zero ? "" : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0} ms");

    private static string Seconds(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
}
