using IncrementalWatch.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace IncrementalWatch.Tasks;

/// <summary>
/// The base of every IncrementalWatch task: runs the work, turns expected failures (I/O, bad
/// data) into coded errors that name the file, and succeeds only when no error was logged.
/// </summary>
public abstract class IncrementalWatchTask : Microsoft.Build.Utilities.Task
{
    public sealed override bool Execute()
    {
        try
        {
            ExecuteCore();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Report(Descriptors.IW3000.Create(GetType().Name, ex.Message));
        }

        return !Log.HasLoggedErrors;
    }

    protected abstract void ExecuteCore();

    /// <summary>
    /// The build's global properties (-c Release, -p:X=Y) as Name=Value, for the builds a tool
    /// starts on the user's behalf; MSBuild's own and the package's private ones are left out.
    /// </summary>
    protected IEnumerable<string> BuildGlobalProperties(params string[] ignored)
    {
        if (BuildEngine is not IBuildEngine6 engine)
        {
            return Array.Empty<string>();
        }

        return engine.GetGlobalProperties()
            .Where(p => !ignored.Contains(p.Key, StringComparer.OrdinalIgnoreCase) && !p.Key.StartsWith("_IncrementalWatch", StringComparison.OrdinalIgnoreCase))
            .Select(p => $"{p.Key}={p.Value}");
    }

    /// <summary>Logs a coded diagnostic at the severity its code carries.</summary>
    protected void Report(Diagnostic diagnostic)
    {
        // The text goes in as an argument so braces in paths are never read as format items.
        switch (diagnostic.Severity)
        {
            case DiagnosticSeverity.Error:
                Log.LogError(null, diagnostic.Code, null, diagnostic.File, 0, 0, 0, 0, "{0}", diagnostic.Message);
                break;
            case DiagnosticSeverity.Warning:
                Log.LogWarning(null, diagnostic.Code, null, diagnostic.File, 0, 0, 0, 0, "{0}", diagnostic.Message);
                break;
            default:
                var importance = diagnostic.Detailed ? MessageImportance.Low : MessageImportance.Normal;
                Log.LogMessage(null, diagnostic.Code, null, diagnostic.File, 0, 0, 0, 0, importance, "{0}", diagnostic.Message);
                break;
        }
    }
}
