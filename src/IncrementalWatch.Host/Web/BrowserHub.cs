using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace IncrementalWatch.Host.Web;

/// <summary>
/// The pages' side of the watch: serves refresh.js at /_iw/refresh.js, keeps the pages'
/// WebSockets (/_iw/ws) and sends them what happened (reload, swapped stylesheets, build errors).
/// A page that connects while a build error stands is shown it at once.
/// </summary>
public sealed class BrowserHub : IDisposable
{
    public const string PathPrefix = "/_iw";

    public const string ScriptPath = "/_iw/refresh.js";

    private static readonly Lazy<byte[]> Script = new(() =>
    {
        using var stream = typeof(BrowserHub).Assembly.GetManifestResourceStream("IncrementalWatch.refresh.js")
            ?? throw new InvalidOperationException("refresh.js is not embedded in the host");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    private readonly ConcurrentDictionary<WebSocket, SemaphoreSlim> _pages = new();
    private readonly CancellationTokenSource _closing = new();
    private string? _error;

    /// <summary>Pages connected now.</summary>
    public int Pages => _pages.Count;

    /// <summary>The new instance is ready: reload every page.</summary>
    public Task ReloadAsync() => SendAsync(new { type = "reload" });

    /// <summary>Files under wwwroot/ changed (URL paths): stylesheets are swapped in place, anything else reloads.</summary>
    public Task StaticFilesChangedAsync(IReadOnlyCollection<string> urlPaths)
    {
        bool onlyCss = urlPaths.All(p => p.EndsWith(".css", StringComparison.OrdinalIgnoreCase));
        return SendAsync(new { type = onlyCss ? "css" : "static", paths = urlPaths });
    }

    /// <summary>The build failed: show its errors over every page until the next good build.</summary>
    public Task BuildFailedAsync(string text)
    {
        _error = text;
        return SendAsync(new { type = "error", text });
    }

    public Task BuildSucceededAsync()
    {
        if (_error is null)
        {
            return Task.CompletedTask;
        }

        _error = null;
        return SendAsync(new { type = "clear" });
    }

    public void Dispose()
    {
        _closing.Cancel();
        foreach (var page in _pages.Keys)
        {
            page.Abort();
        }

        _closing.Dispose();
    }

    internal async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path.Equals(ScriptPath, StringComparison.Ordinal))
        {
            context.Response.ContentType = "text/javascript; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.Body.WriteAsync(Script.Value, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (!context.Request.Path.Equals(PathPrefix + "/ws", StringComparison.Ordinal) || !context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var gate = new SemaphoreSlim(1, 1);
        _pages[socket] = gate;
        try
        {
            if (_error is { } error)
            {
                await SendToAsync(socket, gate, Encode(new { type = "error", text = error })).ConfigureAwait(false);
            }

            var buffer = new byte[256];
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, _closing.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The page went away, or the watch is ending.
        }
        finally
        {
            _pages.TryRemove(socket, out _);
        }
    }

    private static byte[] Encode(object message) => JsonSerializer.SerializeToUtf8Bytes(message);

    private static async Task SendToAsync(WebSocket socket, SemaphoreSlim gate, byte[] message)
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // A page that cannot take the message is gone; its handler removes it.
        }
        finally
        {
            gate.Release();
        }
    }

    private Task SendAsync(object message)
    {
        byte[] bytes = Encode(message);
        return Task.WhenAll(_pages.Select(p => SendToAsync(p.Key, p.Value, bytes)));
    }
}
