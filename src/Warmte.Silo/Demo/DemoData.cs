using NodaTime;
using Warmte.Alerts;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Projects;
using Warmte.Umbrellas;

namespace Warmte.Silo.Demo;

/// <summary>
/// Seeds the APEC umbrella with KetelhuisWG, built from the facts in the domain brief, and a few
/// cooperatives of other kinds that are fictional and say so in their names. Dates the sources
/// give only roughly are marked "(datum bij benadering)" where they are used. Loading twice
/// changes nothing.
/// <para>
/// "Already loaded" is judged by the load's <b>last</b> write (<see cref="LastCooperative"/> in the umbrella), not by an
/// early one: a start after a crash in the middle of the load (review R6) found KetelhuisWG there, said "already
/// loaded" and answered ready on half the demo. Every step skips what an earlier, interrupted load already wrote (a
/// deliverable, milestone, meeting, tally, complex, voting round present; grant steps by their idempotency keys), so
/// the next try or the next start completes a half-loaded demo without writing anything twice.
/// </para>
/// </summary>
public sealed partial class DemoData(IGrainFactory grains, NodaTime.IClock clock, DemoFaults faults, Warmte.Voting.IVotingCodeHasher hasher)
{
    public const string Actor = "demo";
    private const string Approx = " (demo: datum bij benadering)";

    /// <summary>The cooperative the load creates last; its membership of the umbrella is the load's last write. Keep it last.</summary>
    public const string LastCooperative = "energiek-buurt";

    /// <summary>Points in the load where <see cref="DemoFaults"/> can make it fail (tests only).</summary>
    public static readonly IReadOnlySet<string> Checkpoints = new HashSet<string>(StringComparer.Ordinal) { "alv-meeting-created", "ketelhuiswg-loaded" };

    public sealed record Result(bool Loaded, string Message, IReadOnlyList<string> Cooperatives);

    public async Task<Result> LoadAsync()
    {
        var apec = grains.GetGrain<IUmbrellaGrain>("apec");
        if (await apec.Get() is { } existing && existing.Members.Contains(LastCooperative))
            return new Result(false, "De demogegevens waren al geladen.", existing.Members);

        // Alerts are evaluated once the data is complete: evaluated after each write, a half-loaded
        // project raises alarms its final state does not have (a tranche "requested 2,517 days ago"
        // whose approval is the next write).
        using (AlertEvaluation.Defer()) await LoadCooperatives(apec);
        foreach (var cooperative in (await apec.Get())!.Members)
            foreach (var projectId in await grains.GetGrain<ICooperativeGrain>(cooperative).ProjectIds())
                await ProjectChanged.Raise(grains, projectId);

        var members = (await apec.Get())!.Members;
        return new Result(true, "Demogegevens geladen: APEC met KetelhuisWG en fictieve voorbeelden.", members);
    }

    private async Task LoadCooperatives(IUmbrellaGrain apec)
    {
        await Ensure(apec.Create(new CreateUmbrella { Name = "Amsterdamse Producerende Energiecoöperaties (APEC)" }, Actor));

        await KetelhuisWg();
        faults.At("ketelhuiswg-loaded");
        await Cooperative("zonnedak-oost", "Coöperatie Zonnedak Oost U.A. (fictief voorbeeld)", CooperativeKind.LocalGeneration,
            new LocalDate(2021, 4, 12), "zonnedak-sporthal", "Zonnedak sporthal Oost (fictief)", 0, 0,
            "Zonnepanelen op het dak van de sporthal; leden delen in de opbrengst.", new LocalDate(2022, 1, 10),
            ("intentieverklaring", new LocalDate(2022, 2, 1)), ("bewonersgroep", new LocalDate(2022, 1, 10)));
        await Cooperative("stadswind", "Stadswind Amsterdam U.A. (fictief voorbeeld)", CooperativeKind.CityWideGeneration,
            new LocalDate(2016, 9, 1), "windturbine-haven", "Windturbine Havengebied (fictief)", 0, 0,
            "Eén windturbine in het havengebied voor leden in de hele stad.", new LocalDate(2020, 5, 1),
            ("bewonersgroep", new LocalDate(2020, 5, 1)), ("intentieverklaring", new LocalDate(2020, 6, 15)));
        await Cooperative("warmte-noord", "Buurtwarmte Noord U.A. (fictief voorbeeld)", CooperativeKind.HeatNetwork,
            new LocalDate(2023, 3, 20), "warmtenet-noord", "Warmtenet Tuindorp Noord (fictief)", 400, 380,
            "Collectieve bodemwarmtepomp voor een tuindorp van 380 woningen.", new LocalDate(2023, 3, 20),
            ("bewonersgroep", new LocalDate(2023, 3, 20)));
        // Last, and its umbrella membership the load's last write: LoadAsync judges "already loaded" by it.
        await Cooperative(LastCooperative, "Energiek in de Buurt (fictief voorbeeld)", CooperativeKind.Communication,
            new LocalDate(2019, 11, 1), null, null, 0, 0, null, null);
    }

    private async Task KetelhuisWg()
    {
        var coop = grains.GetGrain<ICooperativeGrain>("ketelhuiswg");
        await Ensure(coop.Create(new CreateCooperative
        {
            Id = "ketelhuiswg", StatutoryName = "Coöperatie KetelhuisWG U.A.", Kind = nameof(CooperativeKind.HeatNetwork),
            Municipality = "Amsterdam", FoundedOn = new LocalDate(2019, 12, 18), Umbrellas = ["apec"],
        }, Actor));
        await Ensure(coop.CreateProject(new CreateProject
        {
            Id = "wg-terrein", Name = "Warmtenet WG-terrein", Woningequivalenten = 1500, PlannedConnections = 1000,
            Technology = "Aquathermie: zomerwarmte uit de gracht (TEO) opgeslagen in een WKO; in de winter tillen buurtwarmtepompen 18 °C naar 70 °C. "
                         + "Bron: 1500 woningequivalenten (seed); waterschap AGV noemt 1.270 woningen.",
            StartedOn = new LocalDate(2018, 1, 1),
        }, Actor));
        var project = grains.GetGrain<IProjectGrain>("wg-terrein");

        await Deliver(project, "bewonersgroep", new LocalDate(2018, 1, 1), "Bewonersinitiatief 2018: fossielvrij, betaalbaar (Niet Meer Dan Nu), zelfbestuur" + Approx);
        await Deliver(project, "intentieverklaring", new LocalDate(2019, 12, 18), "Notariële oprichtingsakte coöperatie 18-12-2019");
        await Go(project, "Haalbaarheid", new LocalDate(2019, 12, 18), "Oprichtingsvergadering",
            "Coöperatie opgericht; gemeente verleent haalbaarheidssubsidie zonder prestatieverplichting.");

        foreach (var key in new[] { "haalbaarheidsstudie", "schetsontwerp", "eerste-businesscase", "juridische-knelpunten" })
            await Deliver(project, key, new LocalDate(2021, 6, 30), "Haalbaarheidsfase" + Approx);
        await Deliver(project, "ontwikkelfinanciering", new LocalDate(2021, 7, 1), "PAW-bijdrage € 7.700.000,00, in tranches van € 1.000.000,00" + Approx);
        await Go(project, "Ontwikkeling", new LocalDate(2021, 7, 1), "Bestuur KetelhuisWG",
            "Haalbaarheid aangetoond; ontwikkeling gefinancierd uit PAW-tranches." + Approx);

        await Deliver(project, "definitief-ontwerp", new LocalDate(2024, 6, 1), "Definitief ontwerp" + Approx);
        await Deliver(project, "contracten", new LocalDate(2024, 11, 1), "Aannemerscontract" + Approx);
        await Deliver(project, "businesscase-financieringsvoorstel", new LocalDate(2024, 11, 1),
            "Investering € 30.000.000,00: TEO € 2.500.000,00 (AGV), ruim € 13 mln subsidies, bijna € 7 mln aansluitbijdragen en afkoop, € 7.800.000,00 lening gemeente (~3%, 30 jaar)");
        await Deliver(project, "vergunningen", new LocalDate(2024, 12, 1), "Vergunningen" + Approx);
        await MembersAndRealisatiebesluit();
        await UpcomingAlvWithOnlineVoting();
        await Deliver(project, "financial-close", new LocalDate(2024, 12, 20), "Financial close met gemeentelijke lening" + Approx);
        await SaveBusinessCase("wg-terrein", "ketelhuiswg.json", "Referentiemodel KetelhuisWG bij financial close (demo)");
        await TenantConsent();
        await Go(project, "Realisatie", new LocalDate(2025, 4, 1), "Stuurgroep (KetelhuisWG, Stadgenoot, gemeente, AGV)",
            "Realisatiebesluit, huurdersinstemming en financiering rond; start bouw mei 2025." + Approx);

        await PawTranches();
        await SaveCashFlowPlan("wg-terrein", "ketelhuiswg-ontwikkeling.json");

        await Milestone(project, "realisatiebesluit-alv", "Realisatiebesluit ALV", new LocalDate(2024, 12, 14), new LocalDate(2024, 12, 14));
        await Milestone(project, "voorbereidende-werken", "Voorbereidende werken", new LocalDate(2025, 1, 6), new LocalDate(2025, 1, 6));
        await Milestone(project, "start-bouw", "Start bouw", new LocalDate(2025, 5, 1), new LocalDate(2025, 5, 1));
        await Milestone(project, "laatste-aansluiting", "Laatste aansluiting", new LocalDate(2027, 8, 31), null);
    }

    private async Task Cooperative(
        string id, string name, CooperativeKind kind, LocalDate founded, string? projectId, string? projectName,
        int weq, int connections, string? technology, LocalDate? startedOn, params (string Key, LocalDate On)[] deliverables)
    {
        var coop = grains.GetGrain<ICooperativeGrain>(id);
        await Ensure(coop.Create(new CreateCooperative
        {
            Id = id, StatutoryName = name, Kind = kind.ToString(), Municipality = "Amsterdam", FoundedOn = founded, Umbrellas = ["apec"],
        }, Actor));
        if (projectId is null) return;
        await Ensure(coop.CreateProject(new CreateProject
        {
            Id = projectId, Name = projectName, Woningequivalenten = weq, PlannedConnections = connections,
            Technology = technology, StartedOn = startedOn,
        }, Actor));
        var project = grains.GetGrain<IProjectGrain>(projectId);
        foreach (var (key, on) in deliverables) await Deliver(project, key, on, "Fictief voorbeeld");
        if (projectId == "zonnedak-sporthal")
            await SaveBusinessCase(projectId, "zonnedak-sporthal.json", "Fictief voorbeeld van een zonnedak");
        // A fictional project whose first gate is complete moves on, so the umbrella shows several phases.
        if (deliverables.Length >= 2)
            await Go(project, "Haalbaarheid", deliverables.Max(d => d.On), "Ledenvergadering (fictief)", "Fictief voorbeeld.");
    }

    /// <summary>
    /// The PAW grant in € 1 M tranches, each paid only after the previous accounting was approved.
    /// The dates are approximations (the seed gives the pattern, not the dates) and move with today after 01-2027
    /// (<see cref="DemoCalendar.Story"/>), so tranche 6 always waits for approval: some 6-9 months of
    /// work per tranche, then 9-12 months from request to payment.
    /// </summary>
    private async Task PawTranches()
    {
        var funding = grains.GetGrain<Grants.IGrantsGrain>("wg-terrein");
        // No "grant there, skip" here: an interrupted load may have stopped between two steps. Every command carries an
        // idempotency key, so a step done before answers as it did then and changes nothing.
        await Ensure(funding.CreateGrant(new Grants.CreateGrant
        {
            Id = "paw", Funder = "Rijk (PAW) via gemeente Amsterdam", Scheme = "Programma Aardgasvrije Wijken", AmountGranted = 7_700_000m,
            DecidedOn = new LocalDate(2019, 12, 20),
            Conditions = "Uitbetaling in tranches van € 1.000.000,00; elke volgende tranche pas na goedkeuring van de verantwoording van de vorige." + Approx,
            PreviousAccountingFirst = true,
            Tranches = [.. Enumerable.Range(0, 7).Select(_ => new Grants.PlannedTranche { Amount = 1_000_000m }), new Grants.PlannedTranche { Amount = 700_000m }],
        }, Actor, "demo-paw-grant"));
        (int N, LocalDate Requested, LocalDate Approved, LocalDate Paid)[] history =
        [
            (1, new LocalDate(2020, 1, 15), new LocalDate(2020, 3, 1), DemoCalendar.FirstTranchePaid),
            (2, new LocalDate(2020, 10, 1), new LocalDate(2021, 8, 2), new LocalDate(2021, 9, 1)),
            (3, new LocalDate(2022, 5, 2), new LocalDate(2023, 3, 1), new LocalDate(2023, 4, 3)),
            (4, new LocalDate(2023, 12, 1), new LocalDate(2024, 9, 16), new LocalDate(2024, 10, 15)),
            // Tranche 5 paid in 03-2026, so the money arrives before the cash runs out (paid 05-2026 it left an actual
            // dip below zero in 04-2026); request to payment stays 333 days, the median lead time.
            (5, new LocalDate(2025, 5, 1), new LocalDate(2026, 3, 2), new LocalDate(2026, 3, 30)),
        ];
        var today = AmsterdamTime.Today(clock);
        history = [.. history.Select(h => (h.N, DemoCalendar.Story(h.Requested, today), DemoCalendar.Story(h.Approved, today), DemoCalendar.Story(h.Paid, today)))];
        foreach (var (n, requested, approved, paid) in history)
        {
            await Step(funding, n, Grants.TrancheAction.Request, requested);
            await Step(funding, n, Grants.TrancheAction.SubmitAccounting, requested.PlusDays(14), 1_000_000m, requested.PlusMonths(-8), requested);
            await Step(funding, n, Grants.TrancheAction.Approve, approved);
            await Step(funding, n, Grants.TrancheAction.Pay, paid, 1_000_000m);
        }
        // Tranche 6: requested and accounted, waiting for approval today.
        await Step(funding, 6, Grants.TrancheAction.Request, DemoCalendar.Story(new LocalDate(2026, 10, 1), today));
        await Step(funding, 6, Grants.TrancheAction.SubmitAccounting, DemoCalendar.Story(new LocalDate(2026, 10, 20), today), 1_000_000m,
            DemoCalendar.Story(new LocalDate(2026, 4, 1), today), DemoCalendar.Story(new LocalDate(2026, 10, 1), today));
    }

    private static Task Step(Grants.IGrantsGrain funding, int n, Grants.TrancheAction action, LocalDate on, decimal? amount = null, LocalDate? from = null, LocalDate? to = null) =>
        Ensure(funding.Step("paw", n, new Grants.TrancheCommand
        {
            Action = action, On = on, Amount = amount, PeriodFrom = from, PeriodTo = to,
            Documents = action == Grants.TrancheAction.SubmitAccounting ? [$"Verantwoording tranche {n} (demo)"] : null,
        }, Actor, $"demo-paw-{n}-{action}"));

    private async Task SaveCashFlowPlan(string projectId, string planFile)
    {
        var grain = grains.GetGrain<CashFlow.ICashFlowPlanGrain>(projectId);
        if (await grain.Get() is not null) return;
        // On the tranches' calendar (democal): the model file's 01-2019 start is before the first payment of the demo's history.
        await Ensure(grain.Save(DemoCalendar.WithStart(await EmbeddedModel(planFile), AmsterdamTime.Today(clock)), Actor));
    }

    private async Task SaveBusinessCase(string projectId, string modelFile, string note)
    {
        var grain = grains.GetGrain<BusinessCase.Versions.IBusinessCaseGrain>(projectId);
        if ((await grain.List()).Length > 0) return;
        await Ensure(grain.Save(await EmbeddedModel(modelFile), note, Actor));
    }

    /// <summary>A file of models/, embedded in the silo so the demo works without the repository.</summary>
    private static async Task<string> EmbeddedModel(string file)
    {
        await using var stream = typeof(DemoData).Assembly.GetManifestResourceStream("models/" + file)
            ?? throw new InvalidOperationException($"Embedded model file {file} is missing.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Records a deliverable unless an earlier (interrupted) load did: recording it again would rewrite it.</summary>
    private static async Task Deliver(IProjectGrain project, string key, LocalDate on, string reference)
    {
        if ((await project.Get())?.Deliverables.Any(d => d.Key == key) == true) return;
        await Ensure(project.RecordDeliverable(key, new RecordDeliverable { PresentOn = on, Reference = reference }, Actor));
    }

    private static async Task Go(IProjectGrain project, string to, LocalDate on, string by, string rationale)
    {
        // Only a go from the phase just before: on a re-run after a partial load the project may
        // already be further, and a "go" to an earlier phase would otherwise be a no-go.
        if (Phases.PhaseMachine.Next((await project.Get())!.Phase)?.ToString() != to) return;
        await Ensure(project.Transition(new TransitionRequest { To = to, DecidedOn = on, DecidedBy = by, Rationale = rationale }, Actor));
    }

    private static async Task Milestone(IProjectGrain project, string key, string name, LocalDate planned, LocalDate? actual)
    {
        if ((await project.Get())?.Milestones.Any(m => m.Key == key) == true) return;
        await Ensure(project.SetMilestone(key, new SetMilestone { Name = name, PlannedOn = planned, ActualOn = actual }, Actor));
    }

    /// <summary>Demo steps may meet data a previous partial load wrote; "already there" is fine, anything else is a bug.</summary>
    private static async Task Ensure<T>(Task<Outcome<T>> step)
    {
        var outcome = await step;
        if (outcome.Refusal is { } r && r.Code is not ("already-exists" or "already-in-phase"))
            throw new InvalidOperationException($"Demo data refused: {r.Code}: {r.Message} {string.Join("; ", r.Errors.Select(e => $"{e.Field}: {e.Reason}"))}");
    }
}
