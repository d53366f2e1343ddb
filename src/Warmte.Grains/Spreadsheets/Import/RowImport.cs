using System.Collections.Immutable;
using NodaTime;

namespace Warmte.Spreadsheets.Import;

/// <summary>A row that became an item, with the sheet row it came from.</summary>
public sealed record ImportedRow<T>(int Row, T Item);

/// <summary>
/// What reading a file for one import produced: where the columns were found, the good rows, and
/// every problem with sheet, row, column and reason. <see cref="BadRows"/> rows are left out.
/// </summary>
public sealed record ImportResult<T>(
    HeaderMapping? Mapping,
    ImmutableArray<ImportedRow<T>> Rows,
    ImmutableArray<ImportProblem> Problems,
    int BadRows)
{
    public bool IsClean => Problems.IsEmpty;

    /// <summary>Rows left out on purpose (another grant's row), each with the reason in Dutch ("rij 2: overgeslagen, …"): a dry run lists them.</summary>
    public ImmutableArray<string> Skipped { get; init; } = [];

    /// <summary>
    /// Values that are read in but look wrong (a member with 1.250,5 woningequivalenten): said in the dry run and the
    /// real run, on their row and column, without making the row bad. Shown only for rows still in <see cref="Rows"/>.
    /// </summary>
    public ImmutableArray<ImportProblem> Warnings { get; init; } = [];

    /// <summary>
    /// The result with more problems (e.g. what the service's check found): every good row a problem is
    /// on becomes a bad row; the problems stay in reading order (row, then column).
    /// </summary>
    public ImportResult<T> WithProblems(IEnumerable<ImportProblem> more)
    {
        var added = more.ToList();
        if (added.Count == 0) return this;
        var rows = added.Select(p => p.Row).ToHashSet();
        return this with
        {
            Rows = [.. Rows.Where(r => !rows.Contains(r.Row))],
            Problems = [.. Problems.Concat(added).OrderBy(p => p.Row).ThenBy(p => RowImport.ColumnOrder(p.Column))],
            BadRows = BadRows + Rows.Count(r => rows.Contains(r.Row)),
        };
    }
}

/// <summary>Reads the cells of one row by field, collecting problems that name the column.</summary>
public sealed class RowCells(HeaderMapping mapping, SheetRow row, List<ImportProblem> problems)
{
    public SheetRow Row { get; } = row;

    /// <summary>The fields a problem was reported on (so a later check of the whole batch does not repeat them).</summary>
    public HashSet<string> ReportedFields { get; } = [];

    public object? Raw(string field) => mapping.Columns.TryGetValue(field, out var c) ? Row[c.Index] : null;

    public void Problem(string field, string reason)
    {
        ReportedFields.Add(field);
        problems.Add(new ImportProblem(mapping.Sheet.Name, Row.Number, mapping.Columns.ContainsKey(field) ? mapping.ColumnName(field) : null, reason));
    }

    /// <summary>The sheet the row is on.</summary>
    public string SheetName => mapping.Sheet.Name;

    /// <summary>"D (WEQ)" for a field that has a column, as <see cref="ImportProblem.Column"/> takes it; null otherwise.</summary>
    public string? ColumnName(string field) => mapping.Columns.ContainsKey(field) ? mapping.ColumnName(field) : null;

    /// <summary>"kolom D (Huisnr)" for a field that has a column; the field name otherwise.</summary>
    public string ColumnLabel(string field) => mapping.Columns.ContainsKey(field) ? $"kolom {mapping.ColumnName(field)}" : field;

    /// <summary>Marks fields as already reported (e.g. the house number when the Adres cell it came from was wrong).</summary>
    public void Covered(params string[] fields) => ReportedFields.UnionWith(fields);

    public string? Text(string field) => Cells.Text(Raw(field));

    public int? WholeNumber(string field) => Report(field, Cells.WholeNumber(Raw(field)));

    public decimal? Decimal(string field) => Report(field, Cells.Decimal(Raw(field)));

    public LocalDate? Date(string field) => Report(field, Cells.Date(Raw(field)));

    public bool? YesNo(string field) => Report(field, Cells.YesNo(Raw(field)));

    public NodaTime.YearMonth? Month(string field) => Report(field, Cells.Month(Raw(field)));

    public bool Has(string field) => mapping.Columns.ContainsKey(field);

    private TValue? Report<TValue>(string field, (TValue? Value, string? Problem) read) where TValue : struct
    {
        if (read.Problem is not null) Problem(field, read.Problem);
        return read.Value;
    }
}

/// <summary>Maps the service's field paths ("members[3].postcode") back to the sheet row and column they came from.</summary>
public static class ServiceProblems
{
    private static readonly System.Text.RegularExpressions.Regex Indexed = new(@"^(?:\w+\.)?\w+\[(\d+)\]\.?(.*)$");

    /// <summary>
    /// One problem per field error: an indexed path (under an optional prefix such as "plan.") finds
    /// its rows through <paramref name="rowsOf"/>, its column through <paramref name="columnOf"/>
    /// (default: the field itself); a path without index goes on <paramref name="defaultRow"/> (the
    /// row that sent a one-row request) or on the header row.
    /// </summary>
    public static IEnumerable<ImportProblem> Map(
        HeaderMapping mapping, IEnumerable<(string Field, string Reason)> errors,
        Func<int, IReadOnlyList<int>>? rowsOf = null, Func<string, string?>? columnOf = null, int? defaultRow = null)
    {
        foreach (var (field, reason) in errors)
        {
            var match = Indexed.Match(field);
            IReadOnlyList<int> rows = defaultRow is { } one ? [one] : [mapping.HeaderRow];
            var rest = field;
            var placed = false;
            if (match.Success && rowsOf is not null && rowsOf(int.Parse(match.Groups[1].Value)) is { Count: > 0 } found)
            {
                rows = found;
                rest = match.Groups[2].Value;
                placed = true;
            }
            var column = columnOf is null ? rest : columnOf(rest);
            var columnName = column is not null && mapping.Columns.ContainsKey(column) ? mapping.ColumnName(column) : null;
            // Without a column (or a row of its own) the field path is the only pointer left: keep it.
            var text = columnName is null && !string.IsNullOrEmpty(field) && !placed ? $"{field}: {reason}" : reason;
            foreach (var row in rows)
                yield return new ImportProblem(mapping.Sheet.Name, row, columnName, "geweigerd door de dienst: " + text);
        }
    }
}

/// <summary>The frame every import shares: find the header, read each non-blank row, then check the batch.</summary>
public static class RowImport
{
    /// <summary>"C (Categorie)" → 3, "AA (…)" → 27; no column → 0 (first).</summary>
    internal static int ColumnOrder(string? column)
    {
        if (column is null) return 0;
        var order = 0;
        foreach (var ch in column)
        {
            if (ch is < 'A' or > 'Z') break;
            order = order * 26 + (ch - 'A' + 1);
        }
        return order;
    }

    /// <param name="missingColumns">
    /// When given, the header row is found even when required columns are missing (title and export-date
    /// rows above it are skipped); this function names each missing column that matters and what to do
    /// (nothing when another column or an option stands in for it). Any such problem stops the import
    /// with the mapping shown; rows are not read.
    /// </param>
    /// <param name="checkEveryRow">
    /// Run <paramref name="checkBatch"/> also over rows whose cells had problems, so every problem of a
    /// row is reported at once (a problem on a field already reported for that row is not repeated).
    /// </param>
    public static ImportResult<T> Read<T>(
        IEnumerable<Sheet> sheets, IReadOnlyList<ColumnSpec> specs, Func<RowCells, T?> readRow,
        Func<HeaderMapping, IReadOnlyList<ImportedRow<T>>, IEnumerable<(int Row, string Field, string Reason)>>? checkBatch = null,
        int searchRows = HeaderMatcher.SearchRows, Func<HeaderMapping, SheetRow, bool>? skip = null,
        Func<HeaderMapping, IEnumerable<string>>? missingColumns = null, bool checkEveryRow = false)
        where T : class
    {
        var list = sheets.ToList();
        var (mapping, missing) = HeaderMatcher.Find(list, specs, searchRows, allowMissing: missingColumns is not null);
        if (mapping is null)
            return new ImportResult<T>(null, [], [new ImportProblem(list.FirstOrDefault()?.Name ?? "", 1, null, missing!)], 0);
        if (missingColumns?.Invoke(mapping).ToList() is { Count: > 0 } absent)
            return new ImportResult<T>(mapping, [], [.. absent.Select(reason => new ImportProblem(mapping.Sheet.Name, mapping.HeaderRow, null, reason))], 0);
        var problems = new List<ImportProblem>();
        var rows = new List<ImportedRow<T>>();
        var reported = new Dictionary<int, HashSet<string>>();
        var bad = new HashSet<int>();
        foreach (var row in mapping.Sheet.Rows.Where(r => r.Number > mapping.HeaderRow && !r.IsBlank && !(skip?.Invoke(mapping, r) ?? false)))
        {
            var before = problems.Count;
            var cells = new RowCells(mapping, row, problems);
            var item = readRow(cells);
            reported[row.Number] = cells.ReportedFields;
            if (problems.Count > before || item is null)
            {
                bad.Add(row.Number);
                if (checkEveryRow && item is not null) rows.Add(new ImportedRow<T>(row.Number, item));
            }
            else rows.Add(new ImportedRow<T>(row.Number, item));
        }
        if (checkBatch is not null)
            foreach (var (rowNumber, field, reason) in checkBatch(mapping, rows))
            {
                if (checkEveryRow && reported.TryGetValue(rowNumber, out var fields) && fields.Contains(field)) continue;
                problems.Add(new ImportProblem(mapping.Sheet.Name, rowNumber, mapping.Columns.ContainsKey(field) ? mapping.ColumnName(field) : null, reason));
                bad.Add(rowNumber);
            }
        return new ImportResult<T>(mapping, [.. rows.Where(r => !bad.Contains(r.Row))],
            // Per row from left to right (the row's own problems first), as a person reads the sheet.
            [.. problems.OrderBy(p => p.Row).ThenBy(p => ColumnOrder(p.Column))], bad.Count);
    }
}
