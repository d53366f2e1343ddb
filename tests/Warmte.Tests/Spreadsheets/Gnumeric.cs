using System.Diagnostics;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Gnumeric's <c>ssconvert</c> as an independent spreadsheet engine: it opens an exported .xlsx,
/// recalculates every formula and writes one sheet's values unformatted (format=raw) as CSV.
/// </summary>
public static class Gnumeric
{
    public const string InstallLine = "apt-get install -y --no-install-recommends gnumeric";

    public static string Ssconvert()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "ssconvert"))
            .FirstOrDefault(File.Exists);
        Assert.True(path is not null, $"The spreadsheet check needs Gnumeric's ssconvert, which is not on PATH. Install it: {InstallLine}");
        return path!;
    }

    /// <summary>Recalculates <paramref name="xlsx"/> and returns the values of one sheet, [row][column], 0-based. Cell texts must not contain '|'.</summary>
    /// <param name="exported">false for a file another program saved (a test's edit through ClosedXML), which may draw Gnumeric's warnings.</param>
    public static List<string[]> RecalculatedSheet(string xlsx, string sheet, bool exported = true)
    {
        var csv = Path.Combine(Path.GetDirectoryName(xlsx)!, Path.GetFileNameWithoutExtension(xlsx) + "-" + Guid.NewGuid().ToString("N")[..8] + ".csv");
        var (code, stderr) = Run("--recalc", "-T", "Gnumeric_stf:stf_assistant",
            "-O", $"sheet='{sheet.Replace("'", "\\'")}' format=raw separator=| quoting-mode=never eol=unix", xlsx, csv);
        Assert.True(code == 0 && File.Exists(csv), $"ssconvert failed ({code}): {stderr}");
        if (exported) AssertSilent(stderr, xlsx);
        return File.ReadAllLines(csv).Select(line => line.Split('|')).ToList();
    }

    /// <summary>
    /// Every export opens without a word from Gnumeric: it warns about what it does not understand (tester T14:
    /// "Unexpected element 'x:tableParts'"), and docs/spreadsheet-export.md promises no error output.
    /// </summary>
    public static void AssertSilent(string output, string xlsx) =>
        Assert.True(output.Trim().Length == 0, $"Gnumeric complained about {Path.GetFileName(xlsx)}: {output}");

    /// <summary>Converts the workbook with recalculation; the exit code and error output.</summary>
    public static (int Code, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Ssconvert()) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The C locale keeps '.' as the decimal separator whatever the machine's locale is.
        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("ssconvert did not finish within 120 s.");
        }
        return (process.ExitCode, stderr.Result + stdout.Result);
    }
}
