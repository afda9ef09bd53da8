using System.Diagnostics;
using System.Net;
using IncrementalWatch.Host.Processes;

namespace IncrementalWatch.Host.Apps;

/// <summary>How the host decides that a started app is ready.</summary>
public enum ReadinessOutcome
{
    /// <summary>The readiness URL answered, or the app's port accepted a connection.</summary>
    Ready,

    /// <summary>Nothing to wait for: no readiness URL and no known port.</summary>
    Started,

    /// <summary>The app exited while the host waited.</summary>
    Exited,

    /// <summary>The timeout passed first.</summary>
    TimedOut,
}

/// <summary>
/// Waits until a started app answers: an HTTP GET of the readiness URL that gets any response,
/// or, without one, a TCP connection accepted on every port the app was told to listen on.
/// </summary>
public static class ReadinessProbe
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    public static async Task<ReadinessOutcome> WaitAsync(ChildProcess app, Uri? readyUrl, IReadOnlyList<IPEndPoint> ports, TimeSpan timeout, CancellationToken cancellation)
    {
        if (readyUrl is null && ports.Count == 0)
        {
            return ReadinessOutcome.Started;
        }

        var clock = Stopwatch.StartNew();
        var remaining = ports.ToList();
        while (true)
        {
            if (app.HasExited)
            {
                return ReadinessOutcome.Exited;
            }

            if (readyUrl is not null ? await AnswersAsync(readyUrl, cancellation).ConfigureAwait(false) : await AllAcceptAsync(remaining, cancellation).ConfigureAwait(false))
            {
                return ReadinessOutcome.Ready;
            }

            if (clock.Elapsed >= timeout)
            {
                return ReadinessOutcome.TimedOut;
            }

            await Task.Delay(15, cancellation).ConfigureAwait(false);
        }
    }

    private static async Task<bool> AnswersAsync(Uri url, CancellationToken cancellation)
    {
        try
        {
            using var response = await Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<bool> AllAcceptAsync(List<IPEndPoint> remaining, CancellationToken cancellation)
    {
        for (int i = remaining.Count - 1; i >= 0; i--)
        {
            if (await PortProbe.AcceptsAsync(remaining[i], cancellation).ConfigureAwait(false))
            {
                remaining.RemoveAt(i);
            }
        }

        return remaining.Count == 0;
    }
}
