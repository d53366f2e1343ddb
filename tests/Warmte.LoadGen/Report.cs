using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Warmte.LoadGen;

/// <summary>
/// Markdown tables of measurements, ready to paste into docs/performance.md. Repeated runs of
/// one measurement (same kind and label) are folded into their medians, field by field.
/// </summary>
public static class Report
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Markdown(IReadOnlyList<MeasurementResult> results)
    {
        var md = new StringBuilder();
        if (results.Count > 0) md.AppendLine($"Machine: {results[0].Machine}.").AppendLine();
        var groups = results.GroupBy(r => (r.Kind, r.Label)).ToList();

        var mixed = groups.Where(g => g.Key.Kind == "mixed").ToList();
        if (mixed.Count > 1)
        {
            md.AppendLine("#### Mixed workload side by side (medians over runs)").AppendLine();
            md.AppendLine("| run | runs | silos | clients | total ok/s | view p50 ms | view p99 ms | spending p99 ms | 409 | 503 | 5xx |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var g in mixed)
            {
                var ops = Fold([.. g]);
                var view = ops.FirstOrDefault(o => o.Operation == "view");
                var spending = ops.FirstOrDefault(o => o.Operation == "spending");
                md.AppendLine($"| {g.Key.Label} | {g.Count()} | {g.First().Urls.Count} | {g.First().Concurrency} | {F(Median(g.Select(r => r.Operations.Sum(o => o.PerSecond))))} | " +
                              $"{F(view?.P50Ms)} | {F(view?.P99Ms)} | {F(spending?.P99Ms)} | {ops.Sum(o => o.Conflicts409)} | {ops.Sum(o => o.Unavailable503)} | {ops.Sum(o => o.ServerErrors5xx)} |");
            }
            md.AppendLine();
        }

        foreach (var g in groups)
        {
            var runs = g.ToList();
            var first = runs[0];
            var how = first.OfferedRate is { } rate ? $"open loop at {rate:0} requests/s" : $"{first.Concurrency} concurrent clients";
            md.AppendLine($"#### {first.Kind}: {first.Label}").AppendLine();
            md.AppendLine($"{(runs.Count > 1 ? $"Median of {runs.Count} runs" : "One run")}, {F(Median(runs.Select(r => r.Seconds)))} s measured, {how}, " +
                          $"{first.Urls.Count} silo URL(s), started {first.StartedAt:yyyy-MM-dd HH:mm} UTC.").AppendLine();
            var ops = Fold(runs);
            if (ops.Count > 0)
            {
                md.AppendLine("| operation | requests | ok/s | p50 ms | p95 ms | p99 ms | max ms | 409 | 503 | other 4xx | 5xx | no answer |");
                md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var o in ops)
                    md.AppendLine($"| {o.Operation} | {o.Requests} | {F(o.PerSecond)} | {F(o.P50Ms)} | {F(o.P95Ms)} | {F(o.P99Ms)} | {F(o.MaxMs)} | " +
                                  $"{o.Conflicts409} | {o.Unavailable503} | {o.OtherClientErrors4xx + o.RateLimited429} | {o.ServerErrors5xx} | {o.NoAnswer} |");
                if (first.Kind == "mixed")
                    md.AppendLine($"| **all** | {ops.Sum(o => o.Requests)} | **{F(ops.Sum(o => o.PerSecond))}** | | | | | {ops.Sum(o => o.Conflicts409)} | {ops.Sum(o => o.Unavailable503)} | " +
                                  $"{ops.Sum(o => o.OtherClientErrors4xx + o.RateLimited429)} | {ops.Sum(o => o.ServerErrors5xx)} | {ops.Sum(o => o.NoAnswer)} |");
                md.AppendLine();
            }
            var figures = FoldFigures(runs);
            if (figures.Count > 0)
            {
                md.AppendLine("| figure | value |").AppendLine("|---|---:|");
                foreach (var (name, value) in figures) md.AppendLine($"| {name} | {value} |");
                md.AppendLine();
            }
        }
        return md.ToString();
    }

    /// <summary>Per operation, the median of each field over the runs (counts too: a typical run, not a sum).</summary>
    private static List<OperationResult> Fold(IReadOnlyList<MeasurementResult> runs)
    {
        if (runs.Count == 1) return [.. runs[0].Operations];
        return [.. runs.SelectMany(r => r.Operations).GroupBy(o => o.Operation).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new OperationResult(
            g.Key, (long)Median(g.Select(o => (double)o.Requests)), (long)Median(g.Select(o => (double)o.Succeeded)), Median(g.Select(o => o.PerSecond)),
            Median(g.Select(o => o.P50Ms)), Median(g.Select(o => o.P95Ms)), Median(g.Select(o => o.P99Ms)), Median(g.Select(o => o.MaxMs)),
            g.Sum(o => o.Conflicts409), g.Sum(o => o.Unavailable503), g.Sum(o => o.RateLimited429), g.Sum(o => o.OtherClientErrors4xx),
            g.Sum(o => o.ServerErrors5xx), g.Sum(o => o.NoAnswer), new Dictionary<string, long>()))];
    }

    private static List<(string, string)> FoldFigures(IReadOnlyList<MeasurementResult> runs)
    {
        var names = runs.SelectMany(r => r.Figures?.Keys ?? Enumerable.Empty<string>()).Distinct().ToList();
        var list = new List<(string, string)>();
        foreach (var name in names)
        {
            var values = runs.Select(r => r.Figures is { } f && f.TryGetValue(name, out var v) ? v : null).Where(v => v is not null).ToList();
            var numbers = values.Select(AsNumber).ToList();
            list.Add(numbers.All(n => n is not null) && numbers.Count > 0
                ? (name, F(Median(numbers.Select(n => n!.Value))) + (runs.Count > 1 ? $" (median of {numbers.Count})" : ""))
                : (name, string.Join("; ", values.Select(v => v is JsonElement e ? e.ToString() : v?.ToString()).Distinct())));
        }
        return list;
    }

    private static double? AsNumber(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        double d => d,
        int i => i,
        long l => l,
        decimal m => (double)m,
        _ => null,
    };

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return 0;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string F(double? value) => value switch
    {
        null => "–",
        _ when Math.Abs(value.Value) >= 1000 => value.Value.ToString("#,0", Invariant),
        _ when Math.Abs(value.Value) >= 100 => value.Value.ToString("0", Invariant),
        _ when Math.Abs(value.Value) >= 10 => value.Value.ToString("0.0", Invariant),
        _ => value.Value.ToString("0.00", Invariant),
    };

    public static IReadOnlyList<MeasurementResult> ReadFolder(string folder) =>
        [.. Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal)
            .Select(f => JsonSerializer.Deserialize<MeasurementResult>(File.ReadAllText(f), Json)!)];
}
