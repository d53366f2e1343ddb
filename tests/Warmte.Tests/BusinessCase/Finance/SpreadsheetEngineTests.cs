using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using NodaTime;
using Warmte.BusinessCase.Finance;
using Xunit.Abstractions;
using static Warmte.BusinessCase.Finance.SpreadsheetFunctions;

namespace Warmte.Tests.BusinessCase.Finance;

/// <summary>
/// Recomputes the same calculations in a real spreadsheet engine and compares. The cases are written as
/// formulas into a Gnumeric workbook (its own XML format, which ssconvert reads with formulas, unlike CSV),
/// recalculated headless in one <c>ssconvert --recalc</c> run (~0.1 s), and the engine's values
/// (long double, ~19 digits) are read back from CSV. Money must agree to the cent and to 1e-12 relative,
/// rates to 1e-9; "no IRR" must be an error in the engine.
/// </summary>
public sealed class SpreadsheetEngineTests(ITestOutputHelper output)
{
    /// <summary>The Debian package with ssconvert, and the line that installs it.</summary>
    public const string InstallLine = "apt-get install -y --no-install-recommends gnumeric";

    private enum Kind { Money, Rate }

    /// <summary>
    /// One formula and our value for it; a null value means the engine must give an error. Money is compared
    /// relative to <paramref name="Scale"/> (the size of the amounts that went in, since a result that
    /// cancels to near 0 keeps only the engine's absolute precision). <paramref name="GnumericValue"/>: a
    /// documented Gnumeric deviation from Excel that the engine may show instead.
    /// </summary>
    private sealed record Case(string Id, string Formula, decimal? Ours, Kind Kind, decimal Scale = 1m, decimal? GnumericValue = null);

    private static readonly LocalDate SerialEpoch = new(1899, 12, 30);

    private static string N(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Array(IEnumerable<decimal> values) => "{" + string.Join(",", values.Select(N)) + "}";

    private static string Serials(IEnumerable<LocalDate> dates) =>
        "{" + string.Join(",", dates.Select(d => Period.DaysBetween(SerialEpoch, d).ToString(CultureInfo.InvariantCulture))) + "}";

    private static string B(bool atStart) => atStart ? "1" : "0";

    private static IEnumerable<Case> Cases()
    {
        // PMT: the reference loan, timing, future values, rate 0, negative, tiny and huge rates, long terms.
        (decimal Rate, int Nper, decimal Pv, decimal Fv, bool AtStart)[] annuities =
        [
            (0.03m, 30, 7_800_000m, 0m, false),
            (0.03m, 30, 7_800_000m, 0m, true),
            (0.03m, 30, 7_800_000m, -1_000_000m, false),
            (0.045m, 20, 2_500_000m, 500_000m, true),
            (0m, 30, 7_800_000m, 0m, false),
            (0m, 12, 1000m, 200m, true),
            (-0.02m, 30, 7_800_000m, 0m, false),
            (-0.05m, 10, 1_000_000m, 0m, true),
            (0.000000001m, 30, 7_800_000m, 0m, false),
            (0.0025m, 360, 300_000m, 0m, false),
            (5m, 100, 1_000_000m, 0m, false),
            (0.5m, 1000, 1_000_000m, 0m, false),
            (0.07m, 1, 13_000_000m, 0m, false),
            (0.065m, 40, -27_500_000m, 0m, false),
        ];
        foreach (var (i, a) in annuities.Index())
        {
            var scale = Math.Abs(a.Pv) + Math.Abs(a.Fv);
            var pmt = Pmt(a.Rate, a.Nper, a.Pv, a.Fv, a.AtStart);
            yield return new($"pmt-{i}", $"PMT({N(a.Rate)},{a.Nper},{N(a.Pv)},{N(a.Fv)},{B(a.AtStart)})", pmt, Kind.Money, scale);
            // Where (1+r)^n passes ~1e12 the engine's IPMT/PPMT cancel catastrophically in long double
            // (Gnumeric: IPMT(5,100,100,1e6) = 1.05e66); those are checked in the unit tests instead.
            if (a.Nper * DecimalMath.Ln(1m + Math.Abs(a.Rate)) > DecimalMath.Ln(1e12m)) continue;
            foreach (var per in new[] { 1, 2, a.Nper / 2, a.Nper - 1, a.Nper }.Where(p => p >= 1 && p <= a.Nper).Distinct())
            {
                // Excel and LibreOffice: no interest in the first period when paying at the start. Gnumeric
                // books −pv·r/(1+r) there (and PPMT accordingly).
                var startQuirk = a.AtStart && per == 1 ? -a.Pv * a.Rate / (1m + a.Rate) : (decimal?)null;
                yield return new($"ipmt-{i}-{per}", $"IPMT({N(a.Rate)},{per},{a.Nper},{N(a.Pv)},{N(a.Fv)},{B(a.AtStart)})",
                    Ipmt(a.Rate, per, a.Nper, a.Pv, a.Fv, a.AtStart), Kind.Money, scale, startQuirk);
                yield return new($"ppmt-{i}-{per}", $"PPMT({N(a.Rate)},{per},{a.Nper},{N(a.Pv)},{N(a.Fv)},{B(a.AtStart)})",
                    Ppmt(a.Rate, per, a.Nper, a.Pv, a.Fv, a.AtStart), Kind.Money, scale, pmt - startQuirk);
            }
        }

        // A 30-year heat-network cash flow: build-up, operations with indexation, a heat-pump replacement.
        var network = new List<decimal> { -12_000_000m, -9_500_000m, -6_000_000m, 250_000m, 900_000m };
        for (var year = 5; year < 33; year++) network.Add(decimal.Round(1_650_000m * DecimalMath.PowInt(1.02m, year - 5), 2) - (year == 18 ? 4_200_000m : 0m));
        decimal[][] flows =
        [
            [-100m, 50m, 60m],
            [.. network],
            [-30_000_000m, .. Enumerable.Repeat(1_800_000m, 30)],
            [7_800_000m, .. Enumerable.Repeat(-397_950.22m, 29), -397_950.35m],
            [-100m, 30m, 30m, 30m],
            [-1m, 100m],
            [-100m, 100.0001m],
            [0m, -500m, 0m, 200m, 0m, 400m],
            [-1_000_000m, 0m, 0m, 0m, 0m, 0m, 0m, 0m, 0m, 0m, 3_000_000m],
        ];
        decimal[] rates = [0.03m, 0m, -0.01m, 0.08m, 2.5m];
        foreach (var (i, values) in flows.Index())
        {
            foreach (var (j, rate) in rates.Index())
                yield return new($"npv-{i}-{j}", $"NPV({N(rate)},{Array(values)})", Npv(rate, values), Kind.Money, values.Sum(Math.Abs));
            yield return new($"irr-{i}", $"IRR({Array(values)})", Irr(values), Kind.Rate);
        }
        // Several roots (10%, 20%, 30%): with a guess near a root the engine's Newton and our closest-root rule agree.
        decimal[] threeRoots = [-1000m, 3600m, -4310m, 1716m];
        foreach (var guess in new[] { 0.09m, 0.19m, 0.29m })
            yield return new($"irr-3roots-{N(guess)}", $"IRR({Array(threeRoots)},{N(guess)})", Irr(threeRoots, guess), Kind.Rate);
        // No IRR: one sign only.
        yield return new("irr-none-positive", $"IRR({Array([1m, 2m, 3m])})", Irr([1m, 2m, 3m]), Kind.Rate);
        yield return new("irr-none-negative", $"IRR({Array([-1m, 0m, -3m])})", Irr([-1m, 0m, -3m]), Kind.Rate);

        // Dated flows: Excel's example, a leap year, construction drawdowns monthly then yearly revenue.
        var construction = new List<(LocalDate Date, decimal Value)>();
        for (var month = 0; month < 28; month++) construction.Add((new LocalDate(2025, 5, 1).PlusMonths(month), -1_070_000m));
        for (var year = 2028; year <= 2057; year++) construction.Add((new LocalDate(year, 12, 31), 2_150_000m));
        (LocalDate[] Dates, decimal[] Values)[] dated =
        [
            ([new(2008, 1, 1), new(2008, 3, 1), new(2008, 10, 30), new(2009, 2, 15), new(2009, 4, 1)], [-10_000m, 2750m, 4250m, 3250m, 2750m]),
            ([new(2020, 1, 1), new(2021, 1, 1), new(2022, 6, 1)], [-100m, 50m, 60m]),
            ([new(2024, 2, 28), new(2024, 2, 29), new(2024, 3, 1), new(2028, 2, 29)], [-500m, -500m, 100m, 1100m]),
            ([.. construction.Select(c => c.Date)], [.. construction.Select(c => c.Value)]),
            ([new(2025, 1, 1), new(2025, 7, 1), new(2030, 1, 1)], [-1000m, 300m, 400m]),
            ([new(2025, 1, 1), new(2026, 6, 15), new(2025, 3, 1)], [-1000m, 1500m, -200m]),
        ];
        foreach (var (i, (dates, values)) in dated.Index())
        {
            foreach (var (j, rate) in rates.Index())
                yield return new($"xnpv-{i}-{j}", $"XNPV({N(rate)},{Array(values)},{Serials(dates)})", Xnpv(rate, values, dates), Kind.Money, values.Sum(Math.Abs));
            yield return new($"xirr-{i}", $"XIRR({Array(values)},{Serials(dates)})", Xirr(values, dates), Kind.Rate);
        }
        LocalDate[] twoDates = [new(2025, 1, 1), new(2026, 1, 1)];
        yield return new("xirr-none", $"XIRR({Array([100m, 200m])},{Serials(twoDates)})", Xirr([100m, 200m], twoDates), Kind.Rate);
    }

    [Fact]
    public void Our_functions_agree_with_gnumeric()
    {
        var ssconvert = FindOnPath("ssconvert");
        Assert.True(ssconvert is not null,
            $"The spreadsheet engine check needs Gnumeric's ssconvert, which is not on PATH. Install the Debian package: {InstallLine}");

        var cases = Cases().ToList();
        Assert.Equal(cases.Count, cases.Select(c => c.Id).Distinct().Count());

        var dir = Directory.CreateTempSubdirectory("warmte-spreadsheet-");
        var input = Path.Combine(dir.FullName, "cases.gnumeric");
        var result = Path.Combine(dir.FullName, "values.csv");
        Workbook(cases).Save(input);
        var engine = Recalculate(ssconvert!, input, result);

        var failures = new List<string>();
        decimal worstMoney = 0, worstMoneyRelative = 0, worstRate = 0;
        var quirks = 0;
        foreach (var c in cases)
        {
            if (!engine.TryGetValue(c.Id, out var text))
            {
                failures.Add($"{c.Id}: no value from the engine");
                continue;
            }
            var engineValue = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : (decimal?)null;
            if (c.Ours is null || engineValue is null)
            {
                if ((c.Ours is null) != (engineValue is null))
                    failures.Add($"{c.Id}: {c.Formula} engine {text}, ours {c.Ours?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
                continue;
            }
            var diff = Math.Abs(c.Ours.Value - engineValue.Value);
            if (c.GnumericValue is { } alternative && diff >= 0.005m)
            {
                // The engine shows its known deviation from Excel: it must be exactly that deviation.
                quirks++;
                diff = Math.Abs(alternative - engineValue.Value);
            }
            if (c.Kind == Kind.Money)
            {
                var relative = diff / Math.Max(1m, c.Scale);
                worstMoney = Math.Max(worstMoney, diff);
                worstMoneyRelative = Math.Max(worstMoneyRelative, relative);
                if (diff >= 0.005m || relative > 1e-12m)
                    failures.Add($"{c.Id}: {c.Formula} engine {text}, ours {c.Ours} (diff {diff})");
            }
            else
            {
                worstRate = Math.Max(worstRate, diff);
                if (diff > 1e-9m) failures.Add($"{c.Id}: {c.Formula} engine {text}, ours {c.Ours} (diff {diff})");
            }
        }

        output.WriteLine($"{cases.Count} formulas recalculated by Gnumeric; largest difference: money {worstMoney} " +
                         $"({worstMoneyRelative} relative to the amounts), rates {worstRate}; " +
                         $"{quirks} showed Gnumeric's IPMT/PPMT first-period deviation.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} disagree (files kept in {dir.FullName}):\n" + string.Join("\n", failures));
        dir.Delete(recursive: true);
    }

    /// <summary>A one-sheet Gnumeric workbook: the case id in column A, the formula in column B.</summary>
    private static XDocument Workbook(IReadOnlyList<Case> cases)
    {
        XNamespace gnm = "http://www.gnumeric.org/v10.dtd";
        var cells = cases.SelectMany((c, row) => new[]
        {
            new XElement(gnm + "Cell", new XAttribute("Row", row), new XAttribute("Col", 0), new XAttribute("ValueType", 60), c.Id),
            new XElement(gnm + "Cell", new XAttribute("Row", row), new XAttribute("Col", 1), "=" + c.Formula),
        });
        return new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(gnm + "Workbook", new XAttribute(XNamespace.Xmlns + "gnm", gnm),
                new XElement(gnm + "SheetNameIndex", new XElement(gnm + "SheetName", "Cases")),
                new XElement(gnm + "Sheets",
                    new XElement(gnm + "Sheet",
                        new XElement(gnm + "Name", "Cases"),
                        new XElement(gnm + "MaxCol", 1),
                        new XElement(gnm + "MaxRow", cases.Count - 1),
                        new XElement(gnm + "Cells", cells)))));
    }

    /// <summary>Runs <c>ssconvert --recalc</c> once and returns the value text per case id.</summary>
    private static Dictionary<string, string> Recalculate(string ssconvert, string input, string result)
    {
        var start = new ProcessStartInfo(ssconvert) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "--recalc", input, result }) start.ArgumentList.Add(arg);
        // The C locale keeps '.' as decimal separator in the CSV whatever the machine's locale is.
        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("ssconvert did not finish within 60 s.");
        }
        Assert.True(process.ExitCode == 0 && File.Exists(result), $"ssconvert failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        return File.ReadAllLines(result)
            .Select(line => line.Split(',', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim('"'), parts => parts[1].Trim('"'));
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
