using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;

namespace IncrementalWatch.Host.Verify;

/// <summary>
/// `IncrementalWatch.Host.dll verify --request FILE --results FILE` (JSON both): runs the verification the
/// VerifyCacheInvalidation task wrote down, prints progress lines, and leaves the diagnostics
/// for the task to log. Exit code 0: every check passed; 1: a check failed; 2: it could not run.
/// </summary>
internal static class VerifyCommand
{
    public static async Task<int> RunAsync(string request, string results)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        try
        {
            var verifyRequest = VerifyRequest.Load(request);
            var report = await new Verifier(verifyRequest, Console.Out).RunAsync(stop.Token);
            report.ToResults(verifyRequest.ReportDirectory).Save(results);
            return report.Succeeded ? 0 : 1;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or InvalidOperationException or OperationCanceledException)
        {
            var diagnostic = Descriptors.IW3208.Create(ex.Message);
            new VerifyResults(Summary: "", [diagnostic]).Save(results);
            return 2;
        }
    }
}
