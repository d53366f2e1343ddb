using System.Diagnostics;
using NodaTime;
using Warmte.BusinessCase.Finance;
using Xunit.Abstractions;
namespace Warmte.Tests.BusinessCase.Finance;
public sealed class TmpTiming(ITestOutputHelper o)
{
    [Fact]
    public void Timing()
    {
        var network = new List<decimal> { -12_000_000m, -9_500_000m, -6_000_000m, 250_000m, 900_000m };
        for (var year = 5; year < 33; year++) network.Add(decimal.Round(1_650_000m * DecimalMath.PowInt(1.02m, year - 5), 2) - (year == 18 ? 4_200_000m : 0m));
        var single = new List<decimal> { -30_000_000m }; single.AddRange(Enumerable.Repeat(1_800_000m, 30));
        var dates = network.Select((_, i) => new LocalDate(2025, 1, 1).PlusDays(365 * i + i * 3)).ToArray();
        void Time(string name, Func<object?> f, int n)
        {
            f(); var sw = Stopwatch.StartNew(); object? r = null; for (var i = 0; i < n; i++) r = f(); sw.Stop();
            o.WriteLine($"{name}: {sw.Elapsed.TotalMicroseconds / n:F1} µs -> {r}");
        }
        var a = 1.0291262135922330097087378641m; var b = 0.9708737864077669902912621359m;
        Time("mul x100", () => { var acc = a; for (var i = 0; i < 100; i++) acc = acc * b; return acc; }, 10000);
        Time("add x100", () => { var acc = a; for (var i = 0; i < 100; i++) acc = acc + b; return acc; }, 10000);
        Time("div x100", () => { var acc = a; for (var i = 0; i < 100; i++) acc = acc / b; return acc; }, 10000);
        Time("double mul x100", () => { var acc = 1.03; for (var i = 0; i < 100; i++) acc = acc * 0.97; return acc; }, 10000);
        Time("pmt", () => SpreadsheetFunctions.Pmt(0.03m, 30, 7_800_000m), 10000);
        Time("ipmt", () => SpreadsheetFunctions.Ipmt(0.03m, 15, 30, 7_800_000m), 10000);
        Time("npv31", () => SpreadsheetFunctions.Npv(0.03m, network), 10000);
        Time("irr single sign change", () => SpreadsheetFunctions.Irr(single), 1000);
        Time("irr network (3 sign changes)", () => SpreadsheetFunctions.Irr(network), 100);
        Time("xnpv", () => SpreadsheetFunctions.Xnpv(0.03m, network, dates), 1000);
        Time("xirr network", () => SpreadsheetFunctions.Xirr(network, dates), 10);
        Time("xirr single", () => SpreadsheetFunctions.Xirr(single, dates[..31]), 100);
        Time("exp", () => DecimalMath.Exp(-1.2345m), 10000);
        Time("ln", () => DecimalMath.Ln(1.2345m), 10000);
        Time("schedule", () => LoanSchedule.Build(new LoanTerms(7_800_000m, 0.03m, 30, RepaymentType.Annuity)).Length, 1000);
    }
}
