using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace IncrementalWatch.Host.Apps;

/// <summary>Checks whether the app's ports are free to bind, and whether a port accepts connections.</summary>
public static class PortProbe
{
    /// <summary>True when a listener could bind the endpoint now (the way Kestrel binds).</summary>
    public static bool IsFree(IPEndPoint endpoint)
    {
        try
        {
            using var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(endpoint);
            listener.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Waits until every endpoint is free; returns those still busy at the timeout.</summary>
    public static async Task<IReadOnlyList<IPEndPoint>> WaitUntilFreeAsync(IReadOnlyList<IPEndPoint> endpoints, TimeSpan timeout, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var busy = endpoints.Where(e => !IsFree(e)).ToList();
            if (busy.Count == 0 || clock.Elapsed >= timeout)
            {
                return busy;
            }

            await Task.Delay(20, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>True when something accepts a TCP connection on the endpoint.</summary>
    public static async Task<bool> AcceptsAsync(IPEndPoint endpoint, CancellationToken cancellation)
    {
        using var client = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await client.ConnectAsync(endpoint, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// The endpoints an app will listen on, from URLs such as http://127.0.0.1:5000 or
    /// http://localhost:5000 (both loopbacks). Wildcard hosts are probed on loopback. Port 0 and
    /// unparsable URLs are skipped.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> EndpointsOf(IEnumerable<string> urls)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (string url in urls.SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            string normalized = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalized, UriKind.Absolute, out Uri? uri) || uri.Port <= 0)
            {
                continue;
            }

            if (uri.IsLoopback || uri.Host is "0.0.0.0" or "[::]")
            {
                endpoints.Add(new IPEndPoint(IPAddress.Loopback, uri.Port));
            }
            else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? address))
            {
                endpoints.Add(new IPEndPoint(address, uri.Port));
            }
        }

        return endpoints.Distinct().ToList();
    }
}
