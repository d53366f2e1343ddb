using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;
using Warmte.BusinessCase.Analysis;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;
using Warmte.Common;

namespace Warmte.BusinessCase.Model;

/// <summary>
/// Reads a model file (JSON, format version 2 or 1) into validated <see cref="Inputs"/>, or refuses it
/// with every problem named by its field path ("sources.loans[0].termYears") and reason. A model
/// is either valid as a whole or not evaluated at all.
/// </summary>
/// <remarks>
/// Format 1 files (saved business-case versions among them) load unchanged and keep format 1's meaning:
/// item indexation applies to replacements only (every item reads as <c>fixedPrice</c>), each loan is drawn
/// whole in January of its drawdown year, and the ramp-up is yearly. Format 2's fields in a format 1 file
/// are refused with the advice to set formatVersion 2.
/// </remarks>
public static class ModelReader
{
    public const int CurrentFormatVersion = 2;

    public static Outcome<Inputs> Read(string json)
    {
        var file = JsonFile.Read<BusinessCaseModel>(json, "model", "modelformaat");
        return file.IsOk ? Validate(file.Value!) : file.Refusal!;
    }

    public static Outcome<Inputs> Validate(BusinessCaseModel model)
    {
        var v = new Validation();
        if (model.FormatVersion is not (1 or 2))
            v.Add("formatVersion", model.FormatVersion is null
                ? $"is verplicht ({CurrentFormatVersion})."
                : $"{model.FormatVersion} wordt niet ondersteund; ondersteund zijn formaat 1 en {CurrentFormatVersion}.");
        var v1 = model.FormatVersion == 1;
        void NewerField(string field) =>
            v.Add(field, "bestaat pas in formaat 2; zet formatVersion op 2 (zie docs/business-case-model.md, 'Format 1 to 2').");
        var name = v.Text("name", model.Name);
        var start = Required(v, "startYear", model.StartYear, 1900, 2200);
        var horizon = Required(v, "horizonYears", model.HorizonYears, 1, 60);
        var baseYear = model.PriceBaseYear is null ? start : Required(v, "priceBaseYear", model.PriceBaseYear, 1900, 2200);
        var discount = Rate(v, "discountRate", model.DiscountRate, required: true);
        var end = start + horizon - 1;

        var constructionStart = Month(v, "construction.startMonth", model.Construction?.StartMonth, required: true);
        var constructionEnd = Month(v, "construction.endMonth", model.Construction?.EndMonth, required: true);
        if (constructionStart is { } cs && constructionEnd is { } ce)
        {
            if (ce < cs) v.Add("construction.endMonth", "ligt vóór construction.startMonth.");
            if (cs.Year < start || ce.Year > end) v.Add("construction", $"moet binnen de looptijd {start}–{end} vallen.");
        }

        var investments = ImmutableArray.CreateBuilder<InvestmentItem>();
        if (model.Investments is not { Count: > 0 }) v.Add("investments", "is verplicht: minstens één investering.");
        for (var i = 0; i < (model.Investments?.Count ?? 0); i++)
        {
            var item = model.Investments![i];
            var p = $"investments[{i}]";
            if (item is null) { v.Add(p, "is leeg."); continue; }
            var itemName = v.Text($"{p}.name", item.Name);
            var amount = Money(v, $"{p}.amount", item.Amount, required: true);
            var from = Month(v, $"{p}.from", item.From, required: true);
            var to = item.To is null ? from : Month(v, $"{p}.to", item.To, required: true);
            if (from is { } f && to is { } t)
            {
                if (t < f) v.Add($"{p}.to", "ligt vóór from.");
                if (f.Year < start || t.Year > end) v.Add($"{p}.from", $"moet binnen de looptijd {start}–{end} vallen.");
            }
            if (item.LifetimeYears is { } life && life is < 1 or > 200) v.Add($"{p}.lifetimeYears", "moet tussen 1 en 200 liggen.");
            var share = Share(v, $"{p}.replacementShare", item.ReplacementShare ?? 1m, max: 10m);
            var idx = Rate(v, $"{p}.indexation", item.Indexation ?? 0m, required: false);
            var owner = v.OptionalText($"{p}.ownedBy", item.OwnedBy, 200);
            if (v1 && item.FixedPrice is not null) NewerField($"{p}.fixedPrice");
            // Format 1 indexed replacements only: its amounts are the nominal initial spending.
            var fixedPrice = v1 || item.FixedPrice == true;
            if (from is { } ff && to is { } tt)
                investments.Add(new InvestmentItem(itemName, amount, ff, tt, item.LifetimeYears, share, idx, owner, fixedPrice));
        }

        var subsidies = ImmutableArray.CreateBuilder<SubsidyItem>();
        var sources = model.Sources;
        for (var i = 0; i < (sources?.Subsidies?.Count ?? 0); i++)
        {
            var s = sources!.Subsidies![i];
            var p = $"sources.subsidies[{i}]";
            if (s is null) { v.Add(p, "is leeg."); continue; }
            var subsidyName = v.Text($"{p}.name", s.Name);
            var funder = v.Text($"{p}.funder", s.Funder);
            var amount = Money(v, $"{p}.amount", s.Amount, required: true);
            var year = Required(v, $"{p}.year", s.Year, start, end);
            subsidies.Add(new SubsidyItem(subsidyName, funder, amount, year));
        }
        var fee = Money(v, "sources.connectionFees.amountPerConnection", sources?.ConnectionFees?.AmountPerConnection ?? 0m, required: false);
        var buyOff = Money(v, "sources.connectionFees.boilerBuyOffPerConnection", sources?.ConnectionFees?.BoilerBuyOffPerConnection ?? 0m, required: false);
        var memberCapital = Money(v, "sources.memberCapital", sources?.MemberCapital ?? 0m, required: false);

        var loans = ImmutableArray.CreateBuilder<LoanItem>();
        for (var i = 0; i < (sources?.Loans?.Count ?? 0); i++)
        {
            var l = sources!.Loans![i];
            var p = $"sources.loans[{i}]";
            if (l is null) { v.Add(p, "is leeg."); continue; }
            var lender = v.Text($"{p}.lender", l.Lender);
            var principal = Money(v, $"{p}.principal", l.Principal, required: true);
            if (l.Principal is 0m) v.Add($"{p}.principal", "moet groter dan 0 zijn.");
            var rate = LoanRate(v, $"{p}.annualRate", l.AnnualRate);
            var term = Required(v, $"{p}.termYears", l.TermYears, 1, 100);
            var grace = l.GraceYears ?? 0;
            if (grace < 0 || (term > 0 && grace >= term)) v.Add($"{p}.graceYears", "moet 0 of meer zijn en kleiner dan termYears.");
            var type = RepaymentType.Annuity;
            if (l.Repayment is null) v.Add($"{p}.repayment", "is verplicht (Annuity, Linear of Bullet).");
            else if (l.Repayment.Any(char.IsDigit) || !Enum.TryParse(l.Repayment, ignoreCase: true, out type) || !Enum.IsDefined(type))
                v.Add($"{p}.repayment", $"'{Slug.Truncate(l.Repayment)}' is geen aflossingsvorm; kies Annuity, Linear of Bullet.");
            var guarantee = Rate(v, $"{p}.guaranteeFeeRate", l.GuaranteeFeeRate ?? 0m, required: false);
            var drawdownYear = start;
            var drawdowns = ImmutableArray<Drawdown>.Empty;
            if (l.Drawdowns is not null)
            {
                if (v1) NewerField($"{p}.drawdowns");
                else if (l.DrawdownYear is not null) v.Add($"{p}.drawdownYear", "geef drawdownYear óf drawdowns, niet allebei.");
                else drawdowns = Drawdowns(v, $"{p}.drawdowns", l.Drawdowns, start, end, Math.Max(1, grace));
                if (!drawdowns.IsEmpty) drawdownYear = drawdowns[0].Month.Year;
            }
            else drawdownYear = Required(v, $"{p}.drawdownYear", l.DrawdownYear, start, end);
            if (!v.HasErrors)
                loans.Add(new LoanItem(lender, new LoanTerms(principal, rate, term, type, grace), drawdownYear, guarantee) { Drawdowns = drawdowns });
        }

        var r = model.Revenues;
        var weq = Required(v, "revenues.woningequivalenten", r?.Woningequivalenten, 0, 1_000_000);
        var connections = r?.Connections is null ? weq : Required(v, "revenues.connections", r.Connections, 0, 1_000_000);
        var rampUp = ImmutableArray.CreateBuilder<(int, decimal)>();
        if (r?.RampUp is not { Count: > 0 }) v.Add("revenues.rampUp", "is verplicht: het volloopplan, per jaar het aandeel aangesloten.");
        var previousYear = int.MinValue;
        var previousShare = 0m;
        for (var i = 0; i < (r?.RampUp?.Count ?? 0); i++)
        {
            var step = r!.RampUp![i];
            var p = $"revenues.rampUp[{i}]";
            if (step is null) { v.Add(p, "is leeg."); continue; }
            var year = Required(v, $"{p}.year", step.Year, start, end);
            if (step.ConnectedShare is not { } share) { v.Add($"{p}.connectedShare", "is verplicht."); continue; }
            if (share is < 0m or > 1m) v.Add($"{p}.connectedShare", "moet tussen 0 en 1 liggen (0% tot 100% aangesloten).");
            else if (share < previousShare) v.Add($"{p}.connectedShare", "mag niet dalen: het is het aandeel aangesloten aan het eind van het jaar.");
            if (year <= previousYear) v.Add($"{p}.year", "jaren moeten oplopen.");
            previousYear = year;
            previousShare = share;
            rampUp.Add((year, share));
        }
        var rampUpMonths = ImmutableArray<(YearMonth, decimal)>.Empty;
        if (r?.RampUpMonths is not null)
        {
            if (v1) NewerField("revenues.rampUpMonths");
            else rampUpMonths = RampUpMonths(v, r.RampUpMonths, rampUp.ToImmutable(), start, end);
        }
        var demand = Positive(v, "revenues.heatDemandGjPerWeq", r?.HeatDemandGjPerWeq, 1000m);
        var fixedTariff = Money(v, "revenues.fixedTariffPerYear", r?.FixedTariffPerYear, required: true);
        var variableTariff = Price(v, "revenues.variableTariffPerGj", r?.VariableTariffPerGj, required: true);
        var vat = Share(v, "revenues.vatRate", r?.VatRate ?? 0m, max: 1m);
        var revIdx = Rate(v, "revenues.indexation", r?.Indexation ?? 0m, required: false);
        var gasRef = Money(v, "revenues.referenceGasCostPerYear", r?.ReferenceGasCostPerYear, required: true);
        var gasIdx = Rate(v, "revenues.referenceGasIndexation", r?.ReferenceGasIndexation ?? 0m, required: false);
        var caps = ImmutableArray.CreateBuilder<(int, decimal, decimal)>();
        for (var i = 0; i < (r?.AcmCaps?.Count ?? 0); i++)
        {
            var c = r!.AcmCaps![i];
            var p = $"revenues.acmCaps[{i}]";
            if (c is null) { v.Add(p, "is leeg."); continue; }
            var year = Required(v, $"{p}.year", c.Year, 1900, 2200);
            caps.Add((year, Price(v, $"{p}.variablePerGj", c.VariablePerGj, true), Money(v, $"{p}.fixedPerYear", c.FixedPerYear, true)));
        }

        var o = model.OperatingCosts;
        var cop = Positive(v, "operatingCosts.heatPumpCop", o?.HeatPumpCop, 20m);
        var electricity = Price(v, "operatingCosts.electricityPricePerKwh", o?.ElectricityPricePerKwh, required: true);
        var elecIdx = Rate(v, "operatingCosts.electricityIndexation", o?.ElectricityIndexation ?? 0m, required: false);
        var maintenance = Share(v, "operatingCosts.maintenanceShareOfInvestment", o?.MaintenanceShareOfInvestment ?? 0m, max: 1m);
        var organisation = Money(v, "operatingCosts.organisationPerYear", o?.OrganisationPerYear ?? 0m, required: false);
        var insurance = Money(v, "operatingCosts.insurancePerYear", o?.InsurancePerYear ?? 0m, required: false);
        var thirdPartyFee = Money(v, "operatingCosts.thirdPartyFeePerYear", o?.ThirdPartyFeePerYear ?? 0m, required: false);
        var opexIdx = Rate(v, "operatingCosts.indexation", o?.Indexation ?? 0m, required: false);

        var dsra = model.Reserves?.DsraMonths ?? 0;
        if (dsra is < 0 or > 24) v.Add("reserves.dsraMonths", "moet tussen 0 en 24 maanden liggen.");
        var minDscr = model.Lender?.MinDscr ?? 1.2m;
        if (minDscr is <= 0m or > 10m) v.Add("lender.minDscr", "moet groter dan 0 en hoogstens 10 zijn.");
        var targetDscr = model.Lender?.TargetDscr ?? minDscr;
        if (targetDscr is <= 0m or > 10m) v.Add("lender.targetDscr", "moet groter dan 0 en hoogstens 10 zijn.");

        var assumptions = ImmutableArray.CreateBuilder<AssumptionNote>();
        for (var i = 0; i < (model.Assumptions?.Count ?? 0); i++)
        {
            var a = model.Assumptions![i];
            var p = $"assumptions[{i}]";
            if (a is null) { v.Add(p, "is leeg."); continue; }
            assumptions.Add(new AssumptionNote(v.Text($"{p}.field", a.Field), v.Notes($"{p}.reasoning", a.Reasoning, 4000), v.OptionalNotes($"{p}.source", a.Source, 1000)));
        }

        var uncertainties = ImmutableArray<Uncertainty>.Empty;
        if (model.Uncertainties is not null)
        {
            if (v1) NewerField("uncertainties");
            else uncertainties = Uncertainties(v, model.Uncertainties);
        }

        if (v.HasErrors) return v.ToRefusal();
        return Outcome<Inputs>.Ok(new Inputs
        {
            Name = name, StartYear = start, HorizonYears = horizon, PriceBaseYear = baseYear, DiscountRate = discount,
            ConstructionStart = constructionStart!.Value, ConstructionEnd = constructionEnd!.Value,
            Investments = investments.ToImmutable(), Subsidies = subsidies.ToImmutable(),
            FeePerConnection = fee, BoilerBuyOffPerConnection = buyOff, MemberCapital = memberCapital, Loans = loans.ToImmutable(),
            Revenue = new RevenueInputs(weq, connections, rampUp.ToImmutable(), demand, fixedTariff, variableTariff, vat, revIdx,
                gasRef, gasIdx, caps.ToImmutable()) { RampUpMonths = rampUpMonths },
            Opex = new OpexInputs(cop, electricity, elecIdx, maintenance, organisation, insurance, thirdPartyFee, opexIdx),
            DsraMonths = dsra, MinDscr = minDscr, TargetDscr = targetDscr,
            Assumptions = assumptions.ToImmutable(),
            Uncertainties = uncertainties,
        });
    }

    /// <summary>
    /// The Monte Carlo's inputs: each a known input at most once, a distribution, low ≤ mostLikely ≤ high within the
    /// input's range (mostLikely required for triangular and pert), and a reasoning.
    /// </summary>
    private static ImmutableArray<Uncertainty> Uncertainties(Validation v, List<UncertaintyEntry> entries)
    {
        if (entries.Count == 0) { v.Add("uncertainties", "is leeg: geef minstens één onzekerheid, of laat het veld weg voor de standaardonzekerheden."); return []; }
        var result = ImmutableArray.CreateBuilder<Uncertainty>(entries.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var p = $"uncertainties[{i}]";
            if (e is null) { v.Add(p, "is leeg."); continue; }
            var known = string.Join(", ", UncertainInputs.All.Select(u => u.Key));
            UncertainInput? input = null;
            if (e.Input is null) v.Add($"{p}.input", $"is verplicht; kies uit {known}.");
            else if ((input = UncertainInputs.Find(e.Input)) is null) v.Add($"{p}.input", $"'{Slug.Truncate(e.Input)}' is geen onzekere invoer; kies uit {known}.");
            else if (seen.TryGetValue(input.Key, out var earlier)) v.Add($"{p}.input", $"'{input.Key}' staat al in uncertainties[{earlier}]; elke invoer hoogstens één keer.");
            else seen[input.Key] = i;

            var distribution = Distribution.Uniform;
            if (e.Distribution is null) v.Add($"{p}.distribution", "is verplicht (uniform, triangular of pert).");
            else if (e.Distribution.Any(char.IsDigit) || !Enum.TryParse(e.Distribution, ignoreCase: true, out distribution) || !Enum.IsDefined(distribution))
                v.Add($"{p}.distribution", $"'{Slug.Truncate(e.Distribution)}' is geen verdeling; kies uniform, triangular of pert.");

            var reasoning = v.Notes($"{p}.reasoning", e.Reasoning, 4000);
            var source = v.OptionalNotes($"{p}.source", e.Source, 1000);
            if (e.Low is null) v.Add($"{p}.low", "is verplicht.");
            if (e.High is null) v.Add($"{p}.high", "is verplicht.");
            if (e.MostLikely is null && distribution is Distribution.Triangular or Distribution.Pert)
                v.Add($"{p}.mostLikely", $"is verplicht bij {distribution.ToString().ToLowerInvariant()}: de meest waarschijnlijke waarde.");
            if (input is not null)
            {
                var range = input.Unit switch
                {
                    UncertainUnit.Factor => $"een factor op de waarde in het model (1 = ongewijzigd), van {Invariant(input.Min)} tot {Invariant(input.Max)}",
                    UncertainUnit.Years => $"jaren later dan het volloopplan, van {Invariant(input.Min)} tot {Invariant(input.Max)}",
                    _ => $"procentpunten als fractie bij de rente opgeteld (0.01 = 1 punt), van {Invariant(input.Min)} tot {Invariant(input.Max)}",
                };
                foreach (var (field, value) in new[] { ("low", e.Low), ("mostLikely", e.MostLikely), ("high", e.High) })
                    if (value is { } d && (d < input.Min || d > input.Max)) v.Add($"{p}.{field}", $"moet liggen binnen {range}.");
            }
            if (e.Low is { } lo && e.High is { } hi)
            {
                if (hi < lo) v.Add($"{p}.high", "ligt onder low.");
                else if (e.MostLikely is { } ml && (ml < lo || ml > hi)) v.Add($"{p}.mostLikely", "moet tussen low en high liggen.");
            }
            if (!v.HasErrors && input is not null)
                result.Add(new Uncertainty(input.Key, distribution, e.Low!.Value, e.MostLikely, e.High!.Value, reasoning, source));
        }
        return result.ToImmutable();
    }

    private static string Invariant(decimal value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A loan's monthly drawdowns: months in order within the horizon, shares above 0 adding up to exactly 1,
    /// all inside the first <paramref name="drawYears"/> loan years (the grace years; the first year without
    /// grace), so that repayment starts on the whole principal.
    /// </summary>
    private static ImmutableArray<Drawdown> Drawdowns(Validation v, string path, List<DrawdownStep> steps, int start, int end, int drawYears)
    {
        if (steps.Count == 0) { v.Add(path, "is leeg: geef minstens één trekking, of laat het veld weg en gebruik drawdownYear."); return []; }
        var result = ImmutableArray.CreateBuilder<Drawdown>(steps.Count);
        var total = 0m;
        YearMonth? previous = null;
        var firstYear = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var p = $"{path}[{i}]";
            if (step is null) { v.Add(p, "is leeg."); continue; }
            var month = Month(v, $"{p}.month", step.Month, required: true);
            if (step.Share is not { } share) { v.Add($"{p}.share", "is verplicht (deel van de hoofdsom, 0.25 = 25%)."); continue; }
            if (share is <= 0m or > 1m) v.Add($"{p}.share", "moet groter dan 0 en hoogstens 1 zijn.");
            total += share;
            if (month is not { } m) continue;
            if (m.Year < start || m.Year > end) v.Add($"{p}.month", $"moet binnen de looptijd {start}–{end} vallen.");
            if (previous is { } before && m <= before) v.Add($"{p}.month", "maanden moeten oplopen.");
            if (i == 0) firstYear = m.Year;
            else if (m.Year - firstYear + 1 > drawYears)
                v.Add($"{p}.month", drawYears == 1
                    ? "valt na het eerste leenjaar: zonder aflosvrije jaren (graceYears) moet alles in het jaar van de eerste trekking worden opgenomen."
                    : $"valt na de {drawYears} aflosvrije jaren (graceYears): de hele hoofdsom moet zijn opgenomen voordat de aflossing begint.");
            previous = m;
            result.Add(new Drawdown(m, share));
        }
        if (total != 1m) v.Add(path, $"de delen tellen op tot {total.ToString(System.Globalization.CultureInfo.InvariantCulture)}; dat moet precies 1 zijn (de hele hoofdsom).");
        return result.ToImmutable();
    }

    /// <summary>Month-end shares inside years: in order, not December (the year end is in rampUp), and between the year-end shares around them.</summary>
    private static ImmutableArray<(YearMonth, decimal)> RampUpMonths(
        Validation v, List<RampUpMonthStep> steps, ImmutableArray<(int Year, decimal Share)> yearly, int start, int end)
    {
        decimal YearEnd(int year)
        {
            var share = 0m;
            foreach (var (y, s) in yearly) if (y <= year) share = s;
            return share;
        }
        var result = ImmutableArray.CreateBuilder<(YearMonth, decimal)>(steps.Count);
        YearMonth? previous = null;
        var previousShare = 0m;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var p = $"revenues.rampUpMonths[{i}]";
            if (step is null) { v.Add(p, "is leeg."); continue; }
            var month = Month(v, $"{p}.month", step.Month, required: true);
            if (step.ConnectedShare is not { } share) { v.Add($"{p}.connectedShare", "is verplicht."); continue; }
            if (month is not { } m) continue;
            if (m.Year < start || m.Year > end) { v.Add($"{p}.month", $"moet binnen de looptijd {start}–{end} vallen."); continue; }
            if (m.Month == 12) { v.Add($"{p}.month", "december is het jaareinde: zet dat aandeel in revenues.rampUp."); continue; }
            if (previous is { } before && m <= before) v.Add($"{p}.month", "maanden moeten oplopen.");
            var low = YearEnd(m.Year - 1);
            var high = YearEnd(m.Year);
            if (share < low || share > high)
                v.Add($"{p}.connectedShare", $"moet tussen het aandeel eind {m.Year - 1} ({low}) en eind {m.Year} ({high}) liggen (volgens revenues.rampUp).");
            else if (previous is { } b && b.Year == m.Year && share < previousShare)
                v.Add($"{p}.connectedShare", "mag niet dalen.");
            previous = m;
            previousShare = share;
            result.Add((m, share));
        }
        return result.ToImmutable();
    }

    private static int Required(Validation v, string field, int? value, int min, int max)
    {
        if (value is null) { v.Add(field, "is verplicht."); return min; }
        if (value < min || value > max) v.Add(field, $"moet tussen {min} en {max} liggen.");
        return value.Value;
    }

    /// <summary>An amount that is booked (investments, subsidies, principals, fees): euros with at most 2 decimals.</summary>
    private static decimal Money(Validation v, string field, decimal? value, bool required) => Amount(v, field, value, required, 2);

    /// <summary>A unit price (per kWh, per GJ): up to 6 decimals.</summary>
    private static decimal Price(Validation v, string field, decimal? value, bool required) => Amount(v, field, value, required, 6);

    private static decimal Amount(Validation v, string field, decimal? value, bool required, int decimals)
    {
        if (value is null)
        {
            if (required) v.Add(field, "is verplicht.");
            return 0m;
        }
        if (value < 0m) v.Add(field, "mag niet negatief zijn.");
        else if (value > 100_000_000_000m) v.Add(field, "is onwaarschijnlijk groot (meer dan € 100 miljard).");
        else if (decimal.Round(value.Value, decimals) != value.Value) v.Add(field, $"heeft te veel decimalen (maximaal {decimals}).");
        return value.Value;
    }

    private static decimal Positive(Validation v, string field, decimal? value, decimal max)
    {
        if (value is null) { v.Add(field, "is verplicht."); return 1m; }
        if (value <= 0m || value > max) v.Add(field, $"moet groter dan 0 en hoogstens {max} zijn.");
        return value.Value;
    }

    private static decimal Rate(Validation v, string field, decimal? value, bool required)
    {
        if (value is null)
        {
            if (required) v.Add(field, "is verplicht (als fractie, 0.03 = 3%).");
            return 0m;
        }
        if (value is < -0.05m or > 0.5m) v.Add(field, "moet tussen −5% en 50% liggen (als fractie: −0.05 tot 0.5).");
        return value.Value;
    }

    private static decimal LoanRate(Validation v, string field, decimal? value) => Rate(v, field, value, required: true);

    private static decimal Share(Validation v, string field, decimal value, decimal max)
    {
        if (value < 0m || value > max) v.Add(field, $"moet tussen 0 en {max} liggen.");
        return value;
    }

    private static YearMonth? Month(Validation v, string field, string? text, bool required)
    {
        if (text is null)
        {
            if (required) v.Add(field, "is verplicht (JJJJ-MM, bijv. 2025-05).");
            return null;
        }
        var parsed = YearMonthPattern.Iso.Parse(text.Trim());
        if (parsed.Success) return parsed.Value;
        v.Add(field, $"'{Slug.Truncate(text)}' is geen maand; gebruik JJJJ-MM, bijv. 2025-05.");
        return null;
    }
}
