using System.Text;

namespace IncrementalWatch.Host.Terminal;

/// <summary>
/// Copies a child's output (a pipe) to the console sink on a background thread, whole lines at
/// a time. A partial line (a prompt without a line break) is written once the child has been
/// quiet for <see cref="PartialLineDelay"/>.
/// </summary>
public sealed class OutputPump
{
    public static readonly TimeSpan PartialLineDelay = TimeSpan.FromMilliseconds(150);

    private readonly Stream _source;
    private readonly ConsoleSink _sink;
    private readonly StringBuilder _pending = new();
    private readonly Timer _partialTimer;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OutputPump(Stream source, ConsoleSink sink)
    {
        _source = source;
        _sink = sink;
        _partialTimer = new Timer(_ => FlushPartial());
    }

    /// <summary>Completes when the source reaches its end (every writer closed it).</summary>
    public Task Completion => _done.Task;

    public static OutputPump Start(Stream source, ConsoleSink sink, string name)
    {
        var pump = new OutputPump(source, sink);
        var thread = new Thread(pump.Run) { IsBackground = true, Name = "output " + name };
        thread.Start();
        return pump;
    }

    private void Run()
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[8192];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        try
        {
            int read;
            while ((read = _source.Read(bytes, 0, bytes.Length)) > 0)
            {
                int count = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
                lock (_pending)
                {
                    _pending.Append(chars, 0, count);
                    string text = _pending.ToString();
                    int lastBreak = text.LastIndexOf('\n');
                    if (lastBreak >= 0)
                    {
                        _sink.WriteLines(text[..(lastBreak + 1)]);
                        _pending.Remove(0, lastBreak + 1);
                    }

                    _partialTimer.Change(_pending.Length > 0 ? PartialLineDelay : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            _partialTimer.Dispose();
            FlushPartial();
            _source.Dispose();
            _done.TrySetResult();
        }
    }

    private void FlushPartial()
    {
        lock (_pending)
        {
            if (_pending.Length > 0)
            {
                _sink.WriteLines(_pending.ToString());
                _pending.Clear();
            }
        }
    }
}
