using System.Diagnostics;

namespace IncrementalWatch.Benchmarks;

/// <summary>Alternates two measured actions in one run and reports medians and their ratio.</summary>
public static class Measure
{
    /// <param name="PairedRatio">The median of each run's subject/baseline ratio (the two ran back to back, so slow drift of the machine cancels).</param>
    public sealed record Comparison(string Subject, string Baseline, double SubjectMedianMs, double BaselineMedianMs, int Runs, double PairedRatio)
    {
        public double Ratio => SubjectMedianMs / BaselineMedianMs;

        public override string ToString() =>
            $"| {Subject} | {SubjectMedianMs:F1} ms | {Baseline} | {BaselineMedianMs:F1} ms | {Ratio:F3} | {PairedRatio:F3} | {Runs} |";
    }

    /// <summary>Runs subject and baseline <paramref name="runs"/> times each, in ABBA order so drift hits both.</summary>
    public static Comparison Compare(string subject, Func<TimeSpan> runSubject, string baseline, Func<TimeSpan> runBaseline, int runs)
    {
        var a = new List<double>();
        var b = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            if (i % 2 == 0)
            {
                a.Add(runSubject().TotalMilliseconds);
                b.Add(runBaseline().TotalMilliseconds);
            }
            else
            {
                b.Add(runBaseline().TotalMilliseconds);
                a.Add(runSubject().TotalMilliseconds);
            }
        }

        return new Comparison(subject, baseline, Median(a), Median(b), runs, Median(a.Zip(b, (x, y) => x / y).ToList()));
    }

    public static TimeSpan Time(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed;
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public const string TableHeader = "| measured | median | beside | median | ratio of medians | median of paired ratios | runs |\n| --- | --- | --- | --- | --- | --- | --- |";
}
