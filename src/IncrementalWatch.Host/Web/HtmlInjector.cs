using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace IncrementalWatch.Host.Web;

/// <summary>
/// Adds the refresh script to one forwarded HTML response, as dotnet watch's middleware does,
/// but from the front door so the app is not changed. A page request (Accept: text/html) is
/// forwarded without Accept-Encoding, so an app with response compression answers it plainly;
/// an HTML response that is compressed all the same, or that already carries dotnet watch's
/// script or ours, passes through untouched. The page is buffered (up to 8 MB) and the script
/// goes before the last &lt;/body&gt; (at the end when there is none).
/// </summary>
public sealed class HtmlInjector
{
    private const int Limit = 8 * 1024 * 1024;

    private static readonly byte[] Tag = Encoding.ASCII.GetBytes($"<script src=\"{BrowserHub.ScriptPath}\"></script>");

    private static readonly string[] AlreadyThere = [BrowserHub.ScriptPath, "aspnetcore-browser-refresh.js"];

    private readonly HttpContext _context;
    private readonly Stream _original;
    private readonly Buffering _buffer;
    private bool _inject;

    private HtmlInjector(HttpContext context)
    {
        _context = context;
        _original = context.Response.Body;
        _buffer = new Buffering(this);
        Transformer = new InjectingTransformer(this);
    }

    public HttpTransformer Transformer { get; }

    public static HtmlInjector Attach(HttpContext context)
    {
        var injector = new HtmlInjector(context);
        context.Response.Body = injector._buffer;
        return injector;
    }

    /// <summary>Writes the buffered page, with the script, to the client.</summary>
    public async Task FinishAsync()
    {
        if (!_inject || _buffer.Passing)
        {
            return;
        }

        byte[] page = _buffer.Held.ToArray();
        _inject = false;
        byte[] output = Inject(page);
        await _original.WriteAsync(output, _context.RequestAborted).ConfigureAwait(false);
    }

    public void Detach() => _context.Response.Body = _original;

    /// <summary>The page with the script before its last &lt;/body&gt;, or unchanged when one of the scripts is already there.</summary>
    public static byte[] Inject(byte[] page)
    {
        string text = Encoding.UTF8.GetString(page);
        if (AlreadyThere.Any(s => text.Contains(s, StringComparison.OrdinalIgnoreCase)))
        {
            return page;
        }

        int body = text.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        int at = body < 0 ? page.Length : Encoding.UTF8.GetByteCount(text.AsSpan(0, body));
        return [.. page.AsSpan(0, at), .. Tag, .. page.AsSpan(at)];
    }

    private static bool IsHtml(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var type) && string.Equals(type.MediaType, "text/html", StringComparison.OrdinalIgnoreCase);

    private sealed class InjectingTransformer(HtmlInjector owner) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            if (httpContext.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase)))
            {
                proxyRequest.Headers.AcceptEncoding.Clear();
            }
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            bool result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
            if (proxyResponse is not null
                && IsHtml(httpContext.Response.ContentType)
                && proxyResponse.Content.Headers.ContentEncoding.Count == 0
                && !HttpMethods.IsHead(httpContext.Request.Method)
                && (proxyResponse.Content.Headers.ContentLength ?? 0) <= Limit)
            {
                owner._inject = true;
                httpContext.Response.Headers.ContentLength = null;
            }
            else
            {
                owner._buffer.Passing = true;
            }

            return result;
        }
    }

    /// <summary>Holds an HTML page's bytes; everything else goes straight through.</summary>
    private sealed class Buffering(HtmlInjector owner) : Stream
    {
        public MemoryStream Held { get; } = new();

        public bool Passing { get; set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
            if (Passing || !owner._inject)
            {
                owner._original.Flush();
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken) =>
            Passing || !owner._inject ? owner._original.FlushAsync(cancellationToken) : Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Passing || !owner._inject)
            {
                await owner._original.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (Held.Length + buffer.Length > Limit)
            {
                // Too big to hold: what is held goes out as it is, and the rest follows.
                Passing = true;
                owner._inject = false;
                Held.Position = 0;
                await Held.CopyToAsync(owner._original, cancellationToken).ConfigureAwait(false);
                await owner._original.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                return;
            }

            Held.Write(buffer.Span);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
