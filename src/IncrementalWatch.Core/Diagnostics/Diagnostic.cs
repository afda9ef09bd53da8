using System.Globalization;

namespace IncrementalWatch.Diagnostics;

/// <summary>How a diagnostic is reported. By convention the code's first digit says it: IW1xxx, IW2xxx, IW3xxx.</summary>
public enum DiagnosticSeverity
{
    /// <summary>IW1xxx: said at normal verbosity (or detailed, see <see cref="DiagnosticDescriptor.Detailed"/>).</summary>
    Message,

    /// <summary>IW2xxx.</summary>
    Warning,

    /// <summary>IW3xxx.</summary>
    Error,
}

/// <summary>Which command reports a diagnostic, when not every build can.</summary>
public enum DiagnosticArea
{
    Build,
    Watch,
    Verify,
}

/// <summary>One kind of diagnostic (see <see cref="Descriptors"/>).</summary>
/// <param name="Code">IW followed by four digits.</param>
/// <param name="Format">The message, with composite-format items for its arguments.</param>
/// <param name="Summary">What the README's table says of it.</param>
/// <param name="Detailed">A message only detailed logs need (the cost summary).</param>
/// <param name="Area">Reported only by `-t:Watch` or `-t:VerifyCacheInvalidation`, or by any build.</param>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity Severity, string Format, string Summary, bool Detailed = false, DiagnosticArea Area = DiagnosticArea.Build)
{
    public Diagnostic Create(params object?[] args) => CreateForFile(null, args);

    public Diagnostic CreateForFile(string? file, params object?[] args) =>
        new(Code, string.Format(CultureInfo.InvariantCulture, Format, args), file) { Severity = Severity, Detailed = Detailed };
}

/// <summary>A reported diagnostic, as MSBuild logs it: code, severity, message, and the file it is about.</summary>
/// <param name="Code">IW followed by four digits.</param>
/// <param name="Message">The formatted text, without the code.</param>
/// <param name="File">The file it is about, when there is one.</param>
public sealed record Diagnostic(string Code, string Message, string? File = null)
{
    public DiagnosticSeverity Severity { get; init; }

    /// <summary>Logged at low importance (only detailed logs show it).</summary>
    public bool Detailed { get; init; }

    public override string ToString() => $"{Code}: {Message}";
}
