using IncrementalWatch.Tests.Support;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace IncrementalWatch.Tests.Integration;

/// <summary>
/// The open page follows the watch, in a real headless Chromium (Debian's package, which
/// eng/test.sh installs; IW_CHROMIUM names another executable): a code edit shows the new
/// version with no manual reload, a stylesheet edit is swapped in without a reload, and a failed
/// build is shown over the page until the next good one.
/// </summary>
public sealed class BrowserRefreshTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private readonly ITestOutputHelper _output;

    public BrowserRefreshTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task TheOpenPageShowsEachNewVersionSwapsStylesheetsAndShowsBuildErrors()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        int port = ChildApp.FreePort();
        using var watch = WatchRun.Start(workspace, port);
        await watch.WaitForContentAsync("hello v1");
        await watch.WaitForOutputAsync("pages get the refresh script");

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true,
            ExecutablePath = Chromium(),
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            Timeout = (int)Limit.TotalMilliseconds,
        });
        await using var page = await browser.NewPageAsync();
        page.DefaultTimeout = (int)Limit.TotalMilliseconds;
        await page.GoToAsync($"http://127.0.0.1:{port}/page");
        await page.WaitForFunctionAsync("() => window.__incrementalWatch === true");
        Assert.Equal(1, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('script[src=\"/_iw/refresh.js\"]').length"));
        Assert.Equal("rgb(0, 0, 0)", await BodyColorAsync(page));

        // A stylesheet: swapped in place; the page is not reloaded (the marker survives).
        await page.EvaluateExpressionAsync("window.__marker = 'kept'");
        FileEdits.Replace(workspace.PathOf("wwwroot/site.css"), "color: black", "color: blue");
        await page.WaitForFunctionAsync("() => getComputedStyle(document.body).color === 'rgb(0, 0, 255)'");
        Assert.Equal("kept", await page.EvaluateExpressionAsync<string>("window.__marker"));

        // Code: the page reloads itself once the new instance is ready.
        FileEdits.Replace(workspace.PathOf("Greeting.cs"), "hello v1", "hello v2");
        await page.WaitForFunctionAsync("() => document.getElementById('greeting')?.textContent === 'hello v2'");
        Assert.Null(await page.EvaluateExpressionAsync<string?>("window.__marker ?? null"));

        // A compile error is shown over the page; the fix clears it and shows the new version.
        FileEdits.Replace(workspace.PathOf("Greeting.cs"), "\"hello v2\";", "\"hello v3\"");
        await page.WaitForFunctionAsync("() => document.getElementById('__incrementalwatch-error')?.textContent.includes('error CS')");
        Assert.Equal("hello v2", await page.EvaluateExpressionAsync<string>("document.getElementById('greeting').textContent"));
        FileEdits.Replace(workspace.PathOf("Greeting.cs"), "\"hello v3\"", "\"hello v3\";");
        await page.WaitForFunctionAsync("() => document.getElementById('greeting')?.textContent === 'hello v3' && !document.getElementById('__incrementalwatch-error')");
        workspace.Pass();
    }

    /// <summary>The page is compressed when asked (the app uses response compression), and gets the script all the same.</summary>
    [Fact]
    public async Task APageAnAppWouldCompressStillGetsTheScriptOnceAndOtherResponsesPassUntouched()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        int port = ChildApp.FreePort();
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = System.Net.DecompressionMethods.All }) { Timeout = Limit };
        using (var watch = WatchRun.Start(workspace, port))
        {
            await watch.WaitForContentAsync("hello v1");
            string html = await PageAsync(http, port);
            Assert.Equal(1, html.Split("/_iw/refresh.js").Length - 1);
            Assert.EndsWith("<script src=\"/_iw/refresh.js\"></script></body></html>", html);

            // Not a page: the app's own compressed answer, untouched.
            using var raw = new HttpClient(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = System.Net.DecompressionMethods.None }) { Timeout = Limit };
            using var plain = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/site.css");
            plain.Headers.AcceptEncoding.ParseAdd("gzip");
            using var css = await raw.SendAsync(plain);
            Assert.Contains("gzip", css.Content.Headers.ContentEncoding);
            await using var unzipped = new System.IO.Compression.GZipStream(await css.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
            Assert.Contains("color: black", await new StreamReader(unzipped).ReadToEndAsync());
        }

        // With the switch off, pages are not touched; with the front door off, the app has its port itself.
        using (var watch = WatchRun.Start(workspace, port, "-p:IncrementalWatchBrowserRefresh=false"))
        {
            await watch.WaitForContentAsync("hello v1");
            Assert.DoesNotContain("_iw", await PageAsync(http, port));
        }

        using (var watch = WatchRun.Start(workspace, port, "-p:IncrementalWatchFrontDoor=false"))
        {
            await watch.WaitForContentAsync("hello v1");
            await watch.WaitForOutputAsync("restarts: stop, then start (IncrementalWatchFrontDoor=false)");
            Assert.DoesNotContain("_iw", await PageAsync(http, port));
        }

        workspace.Pass();
    }

    private static async Task<string> PageAsync(HttpClient http, int port)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/page");
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<string> BodyColorAsync(IPage page) => await page.EvaluateExpressionAsync<string>("getComputedStyle(document.body).color");

    private static string Chromium()
    {
        string? named = Environment.GetEnvironmentVariable("IW_CHROMIUM");
        foreach (string? candidate in new[] { named, "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("No Chromium: run the tests with eng/test.sh (it installs Debian's chromium) or set IW_CHROMIUM to a Chromium executable.");
    }

}
