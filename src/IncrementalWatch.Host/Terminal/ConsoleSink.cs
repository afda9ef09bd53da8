using System.Text;

namespace IncrementalWatch.Host.Terminal;

/// <summary>
/// The one place the host's terminal output goes: its own lines, the app's output and the
/// rebuilds' errors. Each call is one write, so lines from different sources never interleave.
/// </summary>
/// <remarks>
/// Under MSBuild's terminal logger the Watch target's status line ("WebApp Watch (12.3s)") stays
/// on screen the whole time and is redrawn about 30 times a second. Each redraw moves the cursor
/// up to the line just above it and rewrites that line (the terminal logger's frame for one
/// node: up two lines, a line feed, the node line, a line feed). Text written below it would be
/// overwritten, and the status line would be left behind in the scrollback. So in that mode
/// every write keeps one invariant: the line above the cursor is disposable (the status line,
/// or the blank line this sink leaves for it). A write first erases that line, then writes
/// its text, then leaves a fresh blank line for the next redraw to use.
/// </remarks>
public sealed class ConsoleSink
{
    /// <summary>Cursor to the start of the line above, then erase to the end of the screen.</summary>
    internal const string EraseLineAbove = "\u001b[1F\u001b[J";

    private readonly Stream _output;
    private readonly object _lock = new();

    public ConsoleSink(Stream output, bool belowTerminalLogger)
    {
        _output = output;
        BelowTerminalLogger = belowTerminalLogger;
    }

    /// <summary>Whether writes keep MSBuild's terminal-logger status line intact.</summary>
    public bool BelowTerminalLogger { get; }

    /// <summary>Writes whole lines; a missing final line break is added.</summary>
    public void WriteLines(string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        var builder = new StringBuilder(text.Length + 16);
        if (BelowTerminalLogger)
        {
            builder.Append(EraseLineAbove);
        }

        builder.Append(text);
        if (text[^1] != '\n')
        {
            builder.Append('\n');
        }

        if (BelowTerminalLogger)
        {
            builder.Append('\n');
        }

        byte[] bytes = Encoding.UTF8.GetBytes(builder.ToString());
        lock (_lock)
        {
            try
            {
                _output.Write(bytes, 0, bytes.Length);
                _output.Flush();
            }
            catch (IOException)
            {
                // The terminal or pipe is gone; the host's work (stopping the app) goes on.
            }
        }
    }
}
