using System.IO.Pipes;
using System.Text;
using IncrementalWatch.Host.Processes;
using IncrementalWatch.Host.Terminal;
using IncrementalWatch.Tests.Support;

namespace IncrementalWatch.Tests.Host.Terminal;

public sealed class ConsoleOutputTests
{
    private static readonly string[] WatchLines = { "watch: one", "watch: two", "watch: three", "watch: four", "watch: five" };

    [Fact]
    public void Below_the_terminal_logger_no_line_is_overwritten_and_one_status_line_stays_last()
    {
        var screen = new TerminalScreen();
        Replay(screen, belowTerminalLogger: true);

        var rows = screen.Rows.Where(r => r.Length > 0).ToList();
        Assert.Equal(new[] { "Restore complete (0.9s)" }.Concat(WatchLines), rows.Take(6));
        Assert.Single(rows.Skip(6));
        Assert.Contains("WebApp net10.0", rows[^1]);
        Assert.EndsWith("Watch (10.0s)", rows[^1]);
    }

    [Fact]
    public void Plain_writes_under_the_terminal_logger_lose_lines_which_is_what_the_sink_prevents()
    {
        // The same replay with the sink's terminal-logger mode off: the redraws overwrite the
        // host's last line and strand status lines in between. This keeps the test above honest.
        var screen = new TerminalScreen();
        Replay(screen, belowTerminalLogger: false);

        var rows = screen.Rows.Where(r => r.Length > 0).ToList();
        Assert.NotEqual(new[] { "Restore complete (0.9s)" }.Concat(WatchLines), rows.Take(6));
        Assert.True(rows.Count(r => r.Contains("WebApp net10.0", StringComparison.Ordinal)) > 1 || !rows.Contains("watch: five"));
    }

    [Fact]
    public void Plain_mode_writes_exactly_the_text_with_a_final_line_break()
    {
        var output = new CaptureStream();
        var sink = new ConsoleSink(output, belowTerminalLogger: false);
        sink.WriteLines("a\nb");
        sink.WriteLines("c\n");
        sink.WriteLines("");
        Assert.Equal("a\nb\nc\n", output.Text);
    }

    [Fact]
    public async Task The_pump_writes_whole_lines_then_a_partial_line_after_a_quiet_spell_then_ends_with_the_pipe()
    {
        var output = new CaptureStream();
        var sink = new ConsoleSink(output, belowTerminalLogger: false);
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        var pump = OutputPump.Start(client, sink, "test");

        // "é" split across two writes must still arrive whole.
        byte[] accent = Encoding.UTF8.GetBytes("é");
        server.Write(Encoding.UTF8.GetBytes("first\nsecond caf"));
        server.Write(accent, 0, 1);
        server.Flush();
        Assert.True(await ChildApp.EventuallyAsync(() => output.Text == "first\n", TimeSpan.FromSeconds(10)), output.Text);
        server.Write(accent, 1, accent.Length - 1);
        server.Write(Encoding.UTF8.GetBytes(" done\nprompt> "));
        server.Flush();
        Assert.True(await ChildApp.EventuallyAsync(() => output.Text == "first\nsecond café done\nprompt> \n", TimeSpan.FromSeconds(10)), output.Text);

        server.Write(Encoding.UTF8.GetBytes("last words"));
        server.Dispose();
        await pump.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.EndsWith("prompt> \nlast words\n", output.Text);
    }

    [Fact]
    public async Task An_app_started_with_a_sink_writes_through_a_pipe_until_it_and_its_children_exit()
    {
        var output = new CaptureStream();
        var sink = new ConsoleSink(output, belowTerminalLogger: true);
        var app = ChildApp.Start(sink, "--drain-ms", "100");
        try
        {
            Assert.True(await ChildApp.EventuallyAsync(() => output.Text.Contains($"ready pid={app.Id}\n", StringComparison.Ordinal), TimeSpan.FromSeconds(30)), output.Text);
            var outcome = await GracefulStopper.StopAsync(app, StopOptions.Default);
            Assert.True(outcome.Graceful);
            Assert.True(await ChildApp.EventuallyAsync(() => output.Text.Contains($"exiting pid={app.Id}\n", StringComparison.Ordinal), TimeSpan.FromSeconds(10)), output.Text);

            // Each line came as its own framed write: erase the line above, the text, a blank line.
            Assert.Contains($"{ConsoleSink.EraseLineAbove}sigterm pid={app.Id}\n\n", output.Text, StringComparison.Ordinal);
        }
        finally
        {
            ChildApp.KillGroup(app);
        }
    }

    private static void Replay(TerminalScreen screen, bool belowTerminalLogger)
    {
        var output = new ScreenStream(screen);
        var sink = new ConsoleSink(output, belowTerminalLogger);
        var logger = new TerminalLoggerFrames(screen);

        screen.Write("Restore complete (0.9s)\n");
        logger.Redraw("Watch", "(0.1s)");
        sink.WriteLines(WatchLines[0]);
        logger.Redraw("Watch", "(0.2s)");
        sink.WriteLines(WatchLines[1] + "\n" + WatchLines[2]);
        logger.Redraw("Watch", "(0.3s)");
        logger.Redraw("Watch", "(0.4s)");
        sink.WriteLines(WatchLines[3]);
        sink.WriteLines(WatchLines[4]);
        logger.Redraw("Watch", "(10.0s)");
    }

    /// <summary>
    /// The frames MSBuild's terminal logger (SDK 10) draws for one busy node: up to the line
    /// above the frame, a line feed, then the node line (only the time when nothing but the time
    /// changed and it has as many characters as before), and a line feed.
    /// </summary>
    private sealed class TerminalLoggerFrames
    {
        private readonly TerminalScreen _screen;
        private string? _previousDuration;

        public TerminalLoggerFrames(TerminalScreen screen) => _screen = screen;

        public void Redraw(string target, string duration)
        {
            string node = $"  WebApp net10.0 \u001b[120G\u001b[{target.Length + duration.Length + 1}D{target} {duration}";
            string frame = _previousDuration is null
                ? "\u001b[1F\n" + node + "\n"
                : _previousDuration.Length == duration.Length
                    ? $"\u001b[2F\n\u001b[120G\u001b[{duration.Length}D{duration}\n"
                    : "\u001b[2F\n\u001b[K" + node + "\n";
            _screen.Write(frame);
            _previousDuration = duration;
        }
    }

    private sealed class ScreenStream : CaptureStream
    {
        private readonly TerminalScreen _screen;

        public ScreenStream(TerminalScreen screen) => _screen = screen;

        public override void Write(byte[] buffer, int offset, int count) => _screen.Write(Encoding.UTF8.GetString(buffer, offset, count));
    }

    /// <summary>A write-only stream that keeps what was written, safe to read from another thread.</summary>
    private class CaptureStream : Stream
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_text)
            {
                _text.Append(Encoding.UTF8.GetString(buffer, offset, count));
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
