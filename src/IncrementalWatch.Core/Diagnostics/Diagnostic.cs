using System.Globalization;
using System.Resources;

namespace IncrementalWatch.Diagnostics;

/// <summary>How a diagnostic is reported; follows from the code's first digit.</summary>
public enum DiagnosticSeverity
{
    /// <summary>IW1xxx: said at normal verbosity (IW1000, the cost summary, at detailed).</summary>
    Message,

    /// <summary>IW2xxx.</summary>
    Warning,

    /// <summary>IW3xxx.</summary>
    Error,
}

/// <summary>A coded diagnostic, formatted from Messages.resx.</summary>
/// <param name="Code">IW followed by four digits.</param>
/// <param name="Message">The formatted text, without the code.</param>
/// <param name="File">The file it is about, when there is one.</param>
public sealed record Diagnostic(string Code, string Message, string? File = null)
{
    private static readonly ResourceManager Resources = new("IncrementalWatch.Diagnostics.Messages", typeof(Diagnostic).Assembly);

    public DiagnosticSeverity Severity => SeverityOf(Code);

    /// <summary>True for the cost summary, which only detailed logs need.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsLowImportance => Code == "IW1000";

    public static Diagnostic Create(string code, params object?[] args) => CreateForFile(code, null, args);

    public static Diagnostic CreateForFile(string code, string? file, params object?[] args)
    {
        string format = Resources.GetString(code, CultureInfo.InvariantCulture)
            ?? throw new ArgumentException($"No message is defined for the diagnostic code {code}.", nameof(code));
        return new Diagnostic(code, string.Format(CultureInfo.InvariantCulture, format, args), file);
    }

    public static DiagnosticSeverity SeverityOf(string code) => code[2] switch
    {
        '2' => DiagnosticSeverity.Warning,
        '3' => DiagnosticSeverity.Error,
        _ => DiagnosticSeverity.Message,
    };

    /// <summary>Every code and its message format, for the test that keeps them well formed.</summary>
    public static IReadOnlyDictionary<string, string> All()
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        // The set belongs to the ResourceManager's cache: disposing it would break later lookups.
        var set = Resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true)!;
        foreach (System.Collections.DictionaryEntry entry in set)
        {
            all[(string)entry.Key] = (string)entry.Value!;
        }

        return all;
    }

    public override string ToString() => $"{Code}: {Message}";
}
