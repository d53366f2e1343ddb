using System.Globalization;
using System.Text.Json;
using Warmte.BusinessCase.Analysis;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;
using Warmte.BusinessCase.Model;
using Warmte.Serialization;

namespace Warmte.Client;

/// <summary>
/// The business-case commands: they read a model file and compute it with the engine on this
/// computer, without the service. An invalid model is refused with every field path and reason (exit 1).
/// </summary>
internal static class BusinessCaseCommands
{
    public const int DefaultRuns = 10_000;
    public const int DefaultSeed = 1;
    /// <summary>Model files are a few kilobytes; anything this large is not one.</summary>
    public const long MaxModelBytes = 10 * 1024 * 1024;

    private static readonly JsonSerializerOptions JsonOptions = new(WarmteJson.Default) { WriteIndented = true };

    private static readonly ArgumentSpec ModelFile = new("bestand", "het modelbestand (JSON, bijv. models/ketelhuiswg.json)");

    public static readonly OptionSpec Rate = new("rate", "procenten",
        "Rentes in procenten: een lijst (2,3,4 of \"2;5\") of een reeks van:tot:stap, tot en met het einde (2:7:0.5). "
        + "Punt als decimaalteken; van −5 tot 50. Iets dat ook één getal met een decimale komma kan zijn (2,5: 2,5% of 2% en 5%?) "
        + "wordt geweigerd. Standaard de rente van de lening in het model");
    public static readonly OptionSpec Term = new("term", "jaren",
        "Looptijden in hele jaren, als lijst of reeks (20,30,40 of 20:40:5). Standaard de looptijd in het model");
    public static readonly OptionSpec Type = new("type", "vormen",
        "Aflossingsvormen: annuity (annuïteit), linear (lineair) en/of bullet (alles aan het eind), bijv. annuity,linear. "
        + "Standaard de vorm in het model");
    public static readonly OptionSpec Grace = new("grace", "jaren",
        "Aflossingsvrije jaren aan het begin van de looptijd, als lijst of reeks (0,2). Combinaties met evenveel "
        + "of meer aflossingsvrije jaren dan looptijd vallen af. Standaard zoals in het model");
    public static readonly OptionSpec Loan = new("loan", "index",
        "Welke lening uit sources.loans te variëren, geteld vanaf 0 (standaard 0, de eerste)");
    public static readonly OptionSpec Runs = new("runs", "aantal",
        $"Aantal trekkingen, 1 tot {Nl.Number(MonteCarlo.MaxRuns)} (standaard {Nl.Number(DefaultRuns)})");
    public static readonly OptionSpec Seed = new("seed", "getal",
        $"Startwaarde van de toevalsgenerator, een heel getal (standaard {DefaultSeed}); dezelfde seed geeft dezelfde uitkomst");

    public static readonly CommandSpec ModelEvaluate = new(
        "model evaluate",
        "Business case doorrekenen: bronnen en bestedingen, kengetallen, jaartabel",
        "Rekent het modelbestand door over de hele looptijd, op deze computer (de dienst is niet nodig). "
        + "Toont bronnen tegenover bestedingen (gedekt of tekort), de kengetallen (NPV, IRR, terugverdienjaar, "
        + "DSCR, LLCR, convenantsbreuken, laagste kasstand, Niet Meer Dan Nu, of de financiering sluit), "
        + "de opgeloste waarden bij de doel-DSCR van de financier (break-even tarief, hoogste rente, grootste lening), "
        + "de jaartabel en de aannames met hun onderbouwing. Een ongeldig model wordt geweigerd met per veld de reden.",
        [ModelFile], [],
        ["warmte model evaluate models/ketelhuiswg.json", "warmte model evaluate models/ketelhuiswg.json --json > doorrekening.json"],
        RunEvaluate) { Offline = true };

    public static readonly CommandSpec ModelStress = new(
        "model stress",
        "Stresstests en gevoeligheid (tornado) van een business case",
        "Rekent de stresstests door die financiers vragen (trager volloopplan, hogere investeringen, duurdere stroom, "
        + "hogere rente, lagere tarieven), elk apart op het basisscenario, en de gevoeligheid: elke invoer 10% lager "
        + "en hoger, gesorteerd op de uitslag van de NPV. Werkt zonder de dienst.",
        [ModelFile], [],
        ["warmte model stress models/ketelhuiswg.json"],
        RunStress) { Offline = true };

    public static readonly CommandSpec ModelMonteCarlo = new(
        "model montecarlo",
        "Monte Carlo-simulatie: P10/P50/P90 van NPV en DSCR, basisscenario en drijvende invoer",
        "Trekt de onzekere invoer willekeurig uit de verdelingen in het model (uncertainties), of uit de gedocumenteerde "
        + "standaardonzekerheden (investering, volloopvertraging, stroomprijs, rente, warmtevraag, COP) als het model er geen geeft, "
        + "en rekent elke trekking door. Toont P10, P50 en P90 van de NPV en de laagste DSCR, waar het basisscenario "
        + "daartussen valt, welke invoer de spreiding het meest drijft (rangcorrelatie), de kans dat de laagste DSCR "
        + "onder 1 komt en de kans dat de financiering niet sluit. Dezelfde --seed geeft altijd dezelfde uitkomst, "
        + "op elke computer. Werkt zonder de dienst. Op een bewaarde versie bij de dienst: warmte business-case montecarlo <project>.",
        [ModelFile], [Runs, Seed],
        ["warmte model montecarlo models/ketelhuiswg.json --runs 10000 --seed 1"],
        RunMonteCarlo) { Offline = true };

    public static readonly CommandSpec LoanSimulate = new(
        "loan simulate",
        "Leningvoorwaarden doorrekenen: rente × looptijd × aflossingsvorm",
        "Rekent de business case door voor elke combinatie van rente, looptijd, aflossingsvorm en aflossingsvrije "
        + "jaren op één lening van het model, en toont per combinatie de laagste DSCR, de totale rente, de NPV en "
        + $"of de financiering sluit. Hoogstens {Nl.Number(LoanGrid.MaxCells)} combinaties. Een weggelaten optie houdt "
        + "de waarde uit het model. Werkt zonder de dienst. Op een bewaarde versie bij de dienst: warmte business-case loan-grid <project>.",
        [ModelFile], [Rate, Term, Type, Grace, Loan],
        [
            "warmte loan simulate models/ketelhuiswg.json --rate 2:7:0.5 --term 20,30,40 --type annuity,linear",
            "warmte loan simulate models/ketelhuiswg.json --rate \"3;4\" --term 33 --type annuity --grace 0,3 --json",
        ],
        RunLoanSimulate) { Offline = true };

    private static async Task<int> RunEvaluate(CommandContext context)
    {
        if (Load(context) is not { } model) return WarmteCli.BadInput;
        var (evaluation, solutions) = await WithProgress(context, "Doorrekenen", () =>
        {
            var e = BusinessCaseEngine.Evaluate(model);
            return (e, new Solutions(Solvers.BreakEvenTariff(model), Solvers.HighestAffordableRate(model), Solvers.LargestLoan(model)));
        });
        if (context.Json) WriteJson(context, new { evaluation, solutions });
        else BusinessCaseViews.Evaluation(model, evaluation, solutions, context.Argument(0), context.Out);
        return WarmteCli.Ok;
    }

    private static async Task<int> RunStress(CommandContext context)
    {
        if (Load(context) is not { } model) return WarmteCli.BadInput;
        var (scenarios, tornado) = await WithProgress(context, "Stresstests doorrekenen", () => (StressTests.Run(model), StressTests.Tornado(model)));
        if (context.Json) WriteJson(context, new { scenarios, tornado });
        else BusinessCaseViews.Stress(model, scenarios, tornado, context.Out);
        return WarmteCli.Ok;
    }

    private static async Task<int> RunMonteCarlo(CommandContext context)
    {
        var runs = ParseInt(context, Runs, DefaultRuns, 1, MonteCarlo.MaxRuns,
            $"een heel aantal trekkingen van 1 tot {Nl.Number(MonteCarlo.MaxRuns)}");
        var seed = ParseInt(context, Seed, DefaultSeed, int.MinValue, int.MaxValue, "een heel getal, bijv. 1");
        if (Load(context) is not { } model) return WarmteCli.BadInput;
        var result = await WithProgress(context, $"{Nl.Number(runs)} trekkingen doorrekenen", () => MonteCarlo.Run(model, runs, seed));
        if (context.Json) WriteJson(context, result);
        else BusinessCaseViews.MonteCarlo(model, result, context.Out);
        return WarmteCli.Ok;
    }

    private static async Task<int> RunLoanSimulate(CommandContext context)
    {
        var options = GridOptions.Read(context);
        if (Load(context) is not { } model) return WarmteCli.BadInput;
        var request = options.For(model, context.Invocation.Command);
        var grid = await WithProgress(context, $"{Nl.Number(request.Cells)} combinaties doorrekenen",
            () => LoanGrid.Simulate(model, request.Rates, request.Terms, request.Types, request.Graces, request.LoanIndex));
        var loan = model.Loans[request.LoanIndex];
        if (context.Json) WriteJson(context, new { name = model.Name, loanIndex = request.LoanIndex, lender = loan.Lender, minDscr = model.MinDscr, cells = grid });
        else BusinessCaseViews.LoanGrid(model, request.LoanIndex, grid, request.Skipped, context.Out);
        return WarmteCli.Ok;
    }

    /// <summary>
    /// The loan grid's options as typed (--rate, --term, --type, --grace, --loan), checked before any file is read or
    /// request sent; an omitted one is null and takes the model loan's own value in <see cref="For"/>. Shared by
    /// <c>loan simulate</c> (a file) and <c>business-case loan-grid</c> (a saved version), so both read options alike.
    /// </summary>
    internal sealed record GridOptions(
        IReadOnlyList<decimal>? Rates, IReadOnlyList<int>? Terms, IReadOnlyList<RepaymentType>? Types, IReadOnlyList<int>? Graces, int LoanIndex)
    {
        public static GridOptions Read(CommandContext context)
        {
            var command = context.Invocation.Command;
            var rates = context.Option(Rate) is { } rateText
                ? Values(rateText, Rate, command, LoanTerms.MinimumRate * 100m, LoanTerms.MaximumRate * 100m, whole: false, "Rente", "%")
                    .Select(r => r / 100m).ToList()
                : null;
            var terms = context.Option(Term) is { } termText
                ? Values(termText, Term, command, 1, LoanTerms.MaximumTermYears, whole: true, "Looptijd", " jaar").Select(t => (int)t).ToList()
                : null;
            var types = context.Option(Type) is { } typeText ? RepaymentTypes(typeText, command) : null;
            var graces = context.Option(Grace) is { } graceText
                ? Values(graceText, Grace, command, 0, LoanTerms.MaximumTermYears - 1, whole: true, "Aflossingsvrij", " jaar").Select(g => (int)g).ToList()
                : null;
            var loanIndex = ParseInt(context, Loan, 0, 0, 999, "een lening-index vanaf 0, bijv. 0 voor de eerste lening");
            return new GridOptions(rates, terms, types, graces, loanIndex);
        }

        /// <summary>The grid to compute on <paramref name="model"/>: omitted options filled from its loan, the cells counted and limited.</summary>
        public GridRequest For(Inputs model, CommandSpec command)
        {
            if (LoanGrid.LoanIndexProblem(model.Loans.Length, LoanIndex, "--loan") is { } noLoan)
                throw new InputException(model.Loans.IsEmpty ? "H" + noLoan[1..] : $"--loan {LoanIndex} bestaat niet: {noLoan}");
            var loan = model.Loans[LoanIndex];
            IReadOnlyList<decimal> rates = Rates ?? [loan.Terms.AnnualRate];
            IReadOnlyList<int> terms = Terms ?? [loan.Terms.TermYears];
            IReadOnlyList<RepaymentType> types = Types ?? [loan.Terms.Type];
            IReadOnlyList<int> graces = Graces ?? [loan.Terms.GraceYears];

            var pairs = terms.Sum(t => (long)graces.Count(g => g < t));
            var cells = rates.Count * (long)types.Count * pairs;
            var skipped = rates.Count * (long)types.Count * terms.Count * graces.Count - cells;
            if (cells == 0)
                throw new UsageException(
                    "Geen enkele combinatie blijft over: het aantal aflossingsvrije jaren (--grace) moet kleiner zijn dan de looptijd (--term).", command);
            if (cells > LoanGrid.MaxCells)
                throw new UsageException(TooManyCells(cells), command);
            return new GridRequest(rates, terms, types, graces, LoanIndex, cells, skipped);
        }
    }

    /// <summary>A loan grid ready to compute: every dimension known, <see cref="Cells"/> combinations, <see cref="Skipped"/> dropped (grace ≥ term).</summary>
    internal sealed record GridRequest(
        IReadOnlyList<decimal> Rates, IReadOnlyList<int> Terms, IReadOnlyList<RepaymentType> Types, IReadOnlyList<int> Graces,
        int LoanIndex, long Cells, long Skipped);

    /// <summary>The solved values shown with an evaluation.</summary>
    internal sealed record Solutions(Solution BreakEvenTariff, Solution HighestAffordableRate, Solution LargestLoan);

    /// <summary>
    /// Reads and validates the model file named by the first argument. Null (after explaining why on
    /// stderr) when the model is refused; an <see cref="InputException"/> when the file cannot be read.
    /// </summary>
    internal static Inputs? Load(CommandContext context) => Load(context, context.Argument(0), out _);

    /// <summary>As above for the file at <paramref name="path"/>; <paramref name="json"/> is its text as read.</summary>
    internal static Inputs? Load(CommandContext context, string path, out string json)
    {
        json = ReadFile(path);
        var outcome = ModelReader.Read(json);
        if (outcome.IsOk) return outcome.Value!;

        var errors = outcome.Refusal!.Errors;
        if (context.Json) WriteJson(context, new { title = "Het model is niet geldig.", file = path, errors });
        context.Err.WriteLine($"Het model in '{Tokens.Shorten(path)}' is niet geldig ({Nl.Count(errors.Length, "probleem", "problemen")}):");
        foreach (var error in errors) context.Err.WriteLine($"  {error.Field}: {error.Reason}");
        context.Err.WriteLine("Het modelformaat staat beschreven in docs/business-case-model.md.");
        return null;
    }

    private static string ReadFile(string path)
    {
        var shown = Tokens.Shorten(path);
        try
        {
            if (Directory.Exists(path))
                throw new InputException($"'{shown}' is een map, geen modelbestand. Geef het pad van een JSON-bestand, bijv. models/ketelhuiswg.json.");
            var file = new FileInfo(path);
            if (!file.Exists)
                throw new InputException($"Modelbestand '{shown}' bestaat niet (gezocht vanuit {Environment.CurrentDirectory}).");
            if (file.Length > MaxModelBytes)
                throw new InputException($"'{shown}' is te groot voor een modelbestand (meer dan {Nl.Number(MaxModelBytes / 1024 / 1024)} MB).");
            return File.ReadAllText(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException($"Geen toegang tot modelbestand '{shown}': u mag het niet lezen.");
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"Kan modelbestand '{shown}' niet lezen: {e.Message}");
        }
    }

    private static void WriteJson<T>(CommandContext context, T value) =>
        context.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>
    /// Runs <paramref name="work"/>; when it takes longer than a second, shows the elapsed time until it is done
    /// (<see cref="Progress"/>: only on an interactive terminal's stderr, nothing in pipes, files or tests).
    /// </summary>
    internal static async Task<T> WithProgress<T>(CommandContext context, string what, Func<T> work)
    {
        var task = Task.Run(work);
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(1))) == task) return await task;
        using (Progress.Start(context.Err, what + "…"))
            return await task;
    }

    internal static int ParseInt(CommandContext context, OptionSpec option, int fallback, int min, int max, string expected)
    {
        if (context.Option(option) is not { } text) return fallback;
        if (!int.TryParse(text.Trim().Replace('−', '-'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
            throw new UsageException($"'{Tokens.Shorten(text)}' is geen geldige waarde voor --{option.Name}; geef {expected}.",
                context.Invocation.Command);
        return value;
    }

    /// <summary>
    /// A list ("20,30,40") and/or inclusive ranges ("2:7:0.5"; "20:40" steps by 1) of numbers with a
    /// decimal point, each within <paramref name="min"/>..<paramref name="max"/>; duplicates are dropped.
    /// </summary>
    /// <summary>
    /// Why a fractional list such as "2,5" cannot be read (tester7 T7): the text, or one bound of a range in it, also reads as
    /// one Dutch number with a decimal comma (by the rule of <see cref="Amounts.TryParse"/>, the same one that refuses
    /// "--amount 2,555"), so "2 and 5" and "2.5" are both plausible. "2,3,4" and "2.5,3" are no Dutch number and stay lists.
    /// Null when there is no such doubt.
    /// </summary>
    internal static string? DecimalComma(string text)
    {
        foreach (var piece in text.Split(':'))
        {
            var unsigned = piece.Trim().TrimStart('-', '−', '+');
            if (!unsigned.Contains(',') || !Amounts.TryParse(unsigned, out var asOne, out _)) continue;
            var sign = piece.Trim().StartsWith('-') || piece.Trim().StartsWith('−') ? -1m : 1m;
            var items = piece.Split(',').Select(i => i.Trim()).ToArray();
            var one = Nl.Number(sign * asOne, 6);
            return $"bedoelt u {one} % of {string.Join(" en ", items.Select(i => i + " %"))}? "
                   + $"Schrijf één rente met een punt ({(sign * asOne).ToString(CultureInfo.InvariantCulture)}), "
                   + $"en scheid meerdere rentes met een puntkomma tussen aanhalingstekens (\"{string.Join(";", items)}\").";
        }
        return null;
    }

    internal static IReadOnlyList<decimal> Values(
        string text, OptionSpec option, CommandSpec command, decimal min, decimal max, bool whole, string what, string unit)
    {
        var name = "--" + option.Name;
        string Example() => whole ? "20,30,40 of 20:40:5" : "2,3,4 of 2:7:0.5";
        UsageException Bad(string message) => new(message, command);

        if (string.IsNullOrWhiteSpace(text)) throw Bad($"Optie {name} mag niet leeg zijn; gebruik bijv. {Example()}.");
        if (!whole && DecimalComma(text) is { } ambiguous) throw Bad($"'{Tokens.Shorten(text)}' bij {name} is dubbelzinnig: {ambiguous}");
        var values = new List<decimal>();
        // ';' separates too, so two values that would read as one Dutch number ("2;5", not "2,5") can still be listed.
        foreach (var rawItem in text.Split([',', ';']))
        {
            var item = rawItem.Trim();
            if (item.Length == 0)
                throw Bad($"'{Tokens.Shorten(text)}' bij {name} bevat een lege waarde; scheid waarden met één komma, bijv. {Example()}.");
            var parts = item.Split(':');
            if (parts.Length > 3)
                throw Bad($"'{Tokens.Shorten(item)}' bij {name} is geen reeks; gebruik van:tot:stap, bijv. {(whole ? "20:40:5" : "2:7:0.5")}.");
            var numbers = parts.Select(p => Number(p, item)).ToArray();
            if (numbers.Length == 1)
            {
                values.Add(Check(numbers[0]));
                continue;
            }
            var (from, to) = (Check(numbers[0]), Check(numbers[1]));
            var step = numbers.Length == 3 ? numbers[2] : 1m;
            if (step <= 0m) throw Bad($"De stap in '{Tokens.Shorten(item)}' bij {name} moet groter dan 0 zijn.");
            if (whole && step != decimal.Truncate(step))
                throw Bad($"De stap in '{Tokens.Shorten(item)}' bij {name} moet een heel aantal jaren zijn.");
            if (to < from) throw Bad($"In '{Tokens.Shorten(item)}' bij {name} ligt het einde ({Show(to)}) vóór het begin ({Show(from)}).");
            var count = decimal.Floor((to - from) / step) + 1m;
            if (count + values.Count > LoanGrid.MaxCells) throw Bad(TooManyCells(count + values.Count));
            for (var i = 0; i < (int)count; i++) values.Add(from + step * i);
        }
        return values.Distinct().ToList();

        decimal Number(string part, string item)
        {
            var trimmed = part.Trim().Replace('−', '-');
            if (decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                return value;
            throw Bad($"'{Tokens.Shorten(item)}' bij {name} is geen getal of reeks; gebruik bijv. {Example()}"
                      + (whole ? "." : " (punt als decimaalteken: 2.5, niet 2,5)."));
        }

        decimal Check(decimal value)
        {
            if (whole && value != decimal.Truncate(value))
                throw Bad($"{what} {Show(value)}{unit} bij {name} moet een heel aantal jaren zijn.");
            if (value < min || value > max)
                throw Bad($"{what} {Show(value)}{unit} bij {name} ligt buiten het bereik {Show(min)} tot en met {Show(max)}{unit}.");
            return value;
        }

        static string Show(decimal value) => Nl.Number(value, 6);
    }

    /// <summary>"annuity,linear" (also annuïteit, lineair; any case) as repayment types, without duplicates.</summary>
    internal static IReadOnlyList<RepaymentType> RepaymentTypes(string text, CommandSpec command)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new UsageException("Optie --type mag niet leeg zijn; kies uit annuity, linear en bullet, bijv. annuity,linear.", command);
        var types = new List<RepaymentType>();
        foreach (var rawItem in text.Split(','))
        {
            var item = rawItem.Trim();
            types.Add(item.ToLowerInvariant() switch
            {
                "annuity" or "annuiteit" or "annuïteit" => RepaymentType.Annuity,
                "linear" or "lineair" => RepaymentType.Linear,
                "bullet" => RepaymentType.Bullet,
                "" => throw new UsageException(
                    $"'{Tokens.Shorten(text)}' bij --type bevat een lege waarde; scheid vormen met één komma, bijv. annuity,linear.", command),
                _ => throw new UsageException(
                    $"'{Tokens.Shorten(item)}' is geen aflossingsvorm voor --type; kies uit annuity, linear en bullet.", command),
            });
        }
        return types.Distinct().ToList();
    }

    private static string TooManyCells(decimal cells) =>
        $"Dat zijn {Nl.Number(cells, 0)} combinaties; het maximum is {Nl.Number(LoanGrid.MaxCells)}. "
        + "Maak de reeksen korter of de stap groter.";
}
