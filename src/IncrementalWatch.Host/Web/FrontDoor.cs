using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace IncrementalWatch.Host.Web;

/// <summary>
/// The watched web app's front door: the host listens on the app's own ports (127.0.0.1 only)
/// for the whole watch and forwards every request, WebSocket and HTTP/2 stream to the instance
/// that runs now (YARP's forwarder), while each instance listens on a private port. A restart
/// is then a switch: the new instance starts and becomes ready while the old one serves, new
/// requests go to the new one, the old one's requests finish, and only then is it stopped. While
/// no instance runs (the first start, a stop-then-start restart, a crash) requests are held, not
/// refused. It also serves the browser-refresh script and its WebSocket (<see cref="BrowserHub"/>),
/// and adds the script to HTML pages (<see cref="HtmlInjector"/>).
/// </summary>
public sealed class FrontDoor : IAsyncDisposable
{
    /// <summary>How long a request waits for an instance before it gets 503.</summary>
    public static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(90);

    private readonly WebApplication _web;
    private readonly HttpMessageInvoker _client;
    private readonly IHttpForwarder _forwarder;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private TaskCompletionSource<Backend> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Backend? _current;

    private FrontDoor(WebApplication web, IReadOnlyList<IPEndPoint> endpoints)
    {
        _web = web;
        Endpoints = endpoints;
        _forwarder = web.Services.GetRequiredService<IHttpForwarder>();
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ActivityHeadersPropagator = null,
        });
    }

    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    public BrowserHub Browser { get; } = new();

    /// <summary>Whether HTML pages get the refresh script (the app runs in Development and the switch is on).</summary>
    public bool InjectScript { get; set; }

    /// <summary>Binds the app's ports on 127.0.0.1 and starts serving (requests wait until <see cref="SwitchTo"/>).</summary>
    /// <exception cref="IOException">A port is taken (names it).</exception>
    public static async Task<FrontDoor> StartAsync(IReadOnlyList<IPEndPoint> endpoints, CancellationToken cancellation)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            foreach (var endpoint in endpoints)
            {
                kestrel.Listen(endpoint, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
            }
        });
        builder.Logging.ClearProviders();
        builder.Services.AddRouting();
        builder.Services.AddHttpForwarder();
        var web = builder.Build();
        var door = new FrontDoor(web, endpoints);
        web.UseWebSockets();
        web.Run(door.HandleAsync);
        try
        {
            await web.StartAsync(cancellation).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await web.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"{string.Join(", ", endpoints)}: {ex.Message}", ex);
        }

        return door;
    }

    /// <summary>A free loopback port for the next instance (it listens there; only the front door talks to it).</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Sends new requests to <paramref name="backend"/>; returns the one that served before (null if none).</summary>
    public Backend? SwitchTo(Backend backend)
    {
        lock (_gate)
        {
            var previous = _current;
            _current = backend;
            _next.TrySetResult(backend);
            return previous;
        }
    }

    /// <summary>No instance serves: requests wait for the next <see cref="SwitchTo"/>.</summary>
    public Backend? Hold()
    {
        lock (_gate)
        {
            var previous = _current;
            _current = null;
            if (_next.Task.IsCompleted)
            {
                _next = new TaskCompletionSource<Backend>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return previous;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Requests still held get 503 at once rather than keeping the watch from ending.
        _closing.Cancel();
        Browser.Dispose();
        await _web.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
        _client.Dispose();
        _closing.Dispose();
    }

    private async Task<Backend?> CurrentAsync(Backend? not, CancellationToken aborted)
    {
        Task<Backend> next;
        lock (_gate)
        {
            if (_current is not null && _current != not)
            {
                return _current;
            }

            if (_next.Task.IsCompleted)
            {
                _next = new TaskCompletionSource<Backend>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            next = _next.Task;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(aborted, _closing.Token);
        try
        {
            return await next.WaitAsync(HoldLimit, either.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(BrowserHub.PathPrefix, StringComparison.Ordinal))
        {
            await Browser.HandleAsync(context).ConfigureAwait(false);
            return;
        }

        // A request without a body can be sent again when the instance it was sent to was gone
        // before answering (it crashed, or the connection was refused): it waits for the next.
        bool retryable = context.Request.ContentLength is null or 0 && !context.Request.Headers.ContainsKey("Transfer-Encoding");
        Backend? failed = null;
        for (int attempt = 0; ; attempt++)
        {
            var backend = await CurrentAsync(failed, context.RequestAborted).ConfigureAwait(false);
            if (backend is null)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync($"IncrementalWatch: no instance of the app became ready within {HoldLimit.TotalSeconds:F0} s; see the watch's output.\n").ConfigureAwait(false);
                return;
            }

            var injector = InjectScript ? HtmlInjector.Attach(context) : null;
            var transformer = injector is null ? HttpTransformer.Default : injector.Transformer;
            backend.Enter();
            ForwarderError error;
            try
            {
                error = await _forwarder.SendAsync(context, backend.Prefix, _client, ForwarderRequestConfig.Empty, transformer).ConfigureAwait(false);
                if (injector is not null)
                {
                    await injector.FinishAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                backend.Exit();
                injector?.Detach();
            }

            if (error == ForwarderError.Request && retryable && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested && attempt < 20)
            {
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Features.Set<IForwarderErrorFeature>(null);
                failed = backend;
                await Task.Delay(TimeSpan.FromMilliseconds(50), context.RequestAborted).ConfigureAwait(false);
                continue;
            }

            return;
        }
    }
}

/// <summary>One running instance behind the front door: where it listens and how many requests it has in flight.</summary>
public sealed class Backend(int port, int pid)
{
    private readonly object _gate = new();
    private int _inFlight;
    private TaskCompletionSource _idle = NewIdle(completed: true);

    public string Prefix { get; } = $"http://127.0.0.1:{port}/";

    public IPEndPoint Endpoint { get; } = new(IPAddress.Loopback, port);

    public int Pid { get; } = pid;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Waits until no request is in flight here, at most <paramref name="limit"/>; false when some still were.</summary>
    public async Task<bool> DrainAsync(TimeSpan limit)
    {
        Task idle;
        lock (_gate)
        {
            idle = _idle.Task;
        }

        try
        {
            await idle.WaitAsync(limit).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    internal void Enter()
    {
        lock (_gate)
        {
            if (_inFlight++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }
    }

    internal void Exit()
    {
        lock (_gate)
        {
            if (--_inFlight == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }
}
