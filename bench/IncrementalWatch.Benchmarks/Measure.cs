using System.Diagnostics;

namespace IncrementalWatch.Benchmarks;

/// <summary>Alternates two measured actions in one run and reports medians and their ratio.</summary>
public static class Measure
{
    /// <param name="SubjectMs">Each run of the subject, in the order run; <paramref name="BaselineMs"/> the baseline run beside each.</param>
    public sealed record Comparison(string Subject, string Baseline, IReadOnlyList<double> SubjectMs, IReadOnlyList<double> BaselineMs)
    {
        public int Runs => SubjectMs.Count;

        public double SubjectMedianMs => Median(SubjectMs);

        public double BaselineMedianMs => Median(BaselineMs);

        public double Ratio => SubjectMedianMs / BaselineMedianMs;

        /// <summary>The median of each run's subject/baseline ratio (the two ran back to back, so slow drift of the machine cancels).</summary>
        public double PairedRatio => Median(SubjectMs.Zip(BaselineMs, (x, y) => x / y).ToList());

        /// <summary>
        /// A 95 % bootstrap interval of <see cref="Ratio"/>: the pairs resampled with replacement
        /// 2,000 times (fixed seed, so one run's figures print the same twice). It says how far
        /// the ratio of medians could move on this machine's noise with this many runs.
        /// </summary>
        public (double Low, double High) RatioInterval()
        {
            var random = new Random(20261205);
            var ratios = new double[2000];
            var a = new List<double>(Runs);
            var b = new List<double>(Runs);
            for (int r = 0; r < ratios.Length; r++)
            {
                a.Clear();
                b.Clear();
                for (int i = 0; i < Runs; i++)
                {
                    int pick = random.Next(Runs);
                    a.Add(SubjectMs[pick]);
                    b.Add(BaselineMs[pick]);
                }

                ratios[r] = Median(a) / Median(b);
            }

            Array.Sort(ratios);
            return (ratios[(int)(ratios.Length * 0.025)], ratios[(int)(ratios.Length * 0.975) - 1]);
        }

        /// <summary>Two comparisons of the same two things (a no-op build under both compiler-server settings, say) as one.</summary>
        public Comparison Pool(Comparison other, string subject) =>
            new(subject, Baseline, [.. SubjectMs, .. other.SubjectMs], [.. BaselineMs, .. other.BaselineMs]);

        public override string ToString()
        {
            var (low, high) = RatioInterval();
            return $"| {Subject} | {SubjectMedianMs:F1} ms | {Baseline} | {BaselineMedianMs:F1} ms | {Ratio:F3} | {low:F3} to {high:F3} | {PairedRatio:F3} | {Runs} |";
        }
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

        return new Comparison(subject, baseline, a, b);
    }

    public static TimeSpan Time(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public const string TableHeader = "| measured | median | beside | median | ratio of medians | its 95 % interval | median of paired ratios | runs |\n| --- | --- | --- | --- | --- | --- | --- | --- |";
}
