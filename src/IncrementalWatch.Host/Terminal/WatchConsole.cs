using System.Globalization;
using IncrementalWatch.Diagnostics;

namespace IncrementalWatch.Host.Terminal;

/// <summary>
/// What the host says: a few plain lines prefixed "watch:", coded diagnostics in MSBuild's
/// "warning IWxxxx:" form, and, when asked, a file of time-stamped events for tools.
/// </summary>
public sealed class WatchConsole
{
    private readonly string? _eventsFile;
    private readonly object _lock = new();

    public WatchConsole(ConsoleSink sink, string? eventsFile)
    {
        Sink = sink;
        _eventsFile = eventsFile;
    }

    /// <summary>The terminal output this console shares with the app and the rebuilds.</summary>
    public ConsoleSink Sink { get; }

    public void Say(string line) => Sink.WriteLines("watch: " + line);

    public void Report(Diagnostic diagnostic)
    {
        string severity = diagnostic.Severity switch
        {
            DiagnosticSeverity.Error => "error ",
            DiagnosticSeverity.Warning => "warning ",
            _ => "",
        };
        Say($"{severity}{diagnostic.Code}: {diagnostic.Message}");
        Event("diagnostic", diagnostic.Code);
    }

    /// <summary>Appends "unix-ms name detail" to the events file, if there is one.</summary>
    public void Event(string name, string detail = "")
    {
        if (_eventsFile is null)
        {
            return;
        }

        string line = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} {name} {detail}\n");
        lock (_lock)
        {
            File.AppendAllText(_eventsFile, line);
        }
    }

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}
