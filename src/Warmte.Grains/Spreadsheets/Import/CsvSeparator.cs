namespace Warmte.Spreadsheets.Import;

/// <summary>
/// Which of ';', ',' and tab separates a CSV file's fields, judged from its first lines the way a
/// person would: the separator that splits the most lines into the same number (above one) of
/// fields. Title lines without any separator, blank lines and a decimal comma in some cells
/// ("2,5") do not mislead it. Quoted text is skipped.
/// </summary>
public static class CsvSeparator
{
    /// <summary>Candidates in order of preference on a tie: ';' is what Excel writes on a Dutch machine.</summary>
    public static readonly char[] Candidates = [';', ',', '\t'];

    /// <summary>How many non-blank lines are looked at (the header may be anywhere in the first 20 rows).</summary>
    public const int LinesExamined = 40;

    public static char Detect(string text)
    {
        var lines = FirstLines(text);
        var best = Candidates[0];
        var bestScore = (Lines: 0, Fields: 0);
        foreach (var candidate in Candidates)
        {
            // The most common field count above one, and on how many lines it occurs.
            var score = lines.Select(line => Fields(line, candidate)).Where(n => n > 1)
                .GroupBy(n => n).Select(g => (Lines: g.Count(), Fields: g.Key))
                .DefaultIfEmpty((0, 0)).Max();
            if (score.CompareTo(bestScore) > 0) (best, bestScore) = (candidate, score);
        }
        return best;
    }

    private static List<string> FirstLines(string text)
    {
        var lines = new List<string>();
        using var reader = new StringReader(text);
        while (lines.Count < LinesExamined && reader.ReadLine() is { } line)
            if (!string.IsNullOrWhiteSpace(line)) lines.Add(line);
        return lines;
    }

    private static int Fields(string line, char separator)
    {
        var fields = 1;
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == separator && !quoted) fields++;
        }
        return fields;
    }
}
