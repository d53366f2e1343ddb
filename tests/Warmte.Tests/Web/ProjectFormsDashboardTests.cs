using System.Net;
using Microsoft.Playwright;
using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// The project page's forms for a document/decision and a gate decision (outside testers: only the API and the CLI
/// could record them). The board marks the gate's documents and passes it with the keyboard; the API's Dutch
/// refusals stand next to the form (the open conditions, a date before the evidence at its field); a financier and
/// another cooperative's board get no form. Each writing test has a cooperative of its own on the writable service.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProjectFormsDashboardTests(BrowserFixture fixture)
{
    /// <summary>A cooperative with one project in Initiatief (started 01-01-2018) and its board's token.</summary>
    private async Task<(string Project, string BoardToken)> OwnProject()
    {
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var coop = $"coop-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{suffix}");
        return (project, await BrowserFixture.Token(admin, $"board:{coop}", $"Bestuur {coop}"));
    }

    [Fact]
    public async Task A_board_marks_the_gates_documents_and_passes_the_gate_with_the_keyboard()
    {
        var (project, boardToken) = await OwnProject();
        var admin = fixture.Server.Client();
        var page = await fixture.SignedIn(boardToken);
        await page.GotoAsync($"/app/project?id={project}");

        var form = page.Locator("#deliverable-form");
        await Expect(form).ToBeVisibleAsync();
        // Every control of both forms has a label a screen reader announces.
        Assert.Empty(await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('#deliverable-form input, #deliverable-form select, #gate-form input, #gate-form textarea')].filter(e => e.labels.length === 0).map(e => e.id)"));
        // The choice starts at the next gate's first open condition; a computed one (ALV decision) is never offered.
        var choice = page.GetByLabel("Document of besluit", new() { Exact = true });
        await Expect(choice).ToHaveValueAsync("bewonersgroep");
        await Expect(choice.Locator("option[value='realisatiebesluit']")).ToHaveCountAsync(0);
        await Expect(choice.Locator("option[value='vergunningen']")).ToHaveCountAsync(1);

        await page.GetByLabel("Aanwezig sinds (dd-mm-jjjj)").FillAsync("01-03-2026");
        await page.GetByLabel("Verwijzing (mag leeg; bijv. rapport of versie)").FillAsync("Ledenlijst werkgroep");
        await form.GetByRole(AriaRole.Button, new() { Name = "Als aanwezig vastleggen" }).ClickAsync();
        await Expect(page.Locator("#deliverable-status")).ToContainTextAsync(
            "'Groep bewoners die het initiatief draagt' vastgelegd: aanwezig sinds 01-03-2026. Poort Initiatief → Haalbaarheid: 1 van 2 voorwaarden vervuld.");
        var row = page.Locator("#deliverables tbody tr", new() { HasText = "Groep bewoners die het initiatief draagt" });
        await Expect(row).ToContainTextAsync("01-03-2026");
        await Expect(row).ToContainTextAsync("Ledenlijst werkgroep");
        await Expect(page.Locator("#gate-checklist tbody tr", new() { HasText = "Groep bewoners" }).Locator("[data-met]"))
            .ToHaveAttributeAsync("data-met", "true");

        // The next open one is chosen now; a single-digit day is accepted too, and Enter in the field sends the form.
        await Expect(choice).ToHaveValueAsync("intentieverklaring");
        var presentOn = page.GetByLabel("Aanwezig sinds (dd-mm-jjjj)");
        await presentOn.FillAsync("5-4-2026");
        await presentOn.PressAsync("Enter");
        await Expect(page.Locator("#deliverable-status")).ToContainTextAsync("2 van 2 voorwaarden vervuld.");
        var deliverables = (await admin.Get($"api/projects/{project}")).Body.GetProperty("deliverables").EnumerateArray()
            .ToDictionary(d => d.GetProperty("key").GetString()!, d => d.GetProperty("presentOn").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["bewonersgroep"] = "2026-03-01", ["intentieverklaring"] = "2026-04-05" }, deliverables);

        // The gate decision, by keyboard only: Go is chosen, the date field starts at the service's today.
        var go = page.GetByLabel("Go: door naar Haalbaarheid");
        await Expect(go).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Datum van het besluit (dd-mm-jjjj)")).ToHaveValueAsync("15-01-2027");
        await page.GetByLabel("Datum van het besluit (dd-mm-jjjj)").FocusAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("01-05-2026");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByLabel("Besloten door (bijv. ALV, stuurgroep)")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("ALV");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByLabel("Motivering")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("Bewonersgroep en intentieverklaring zijn er; door naar de haalbaarheidsstudie.");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Poortbesluit vastleggen" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        var done = page.Locator("#gate-decision-status");
        await Expect(done).ToContainTextAsync("Go: van Initiatief naar Haalbaarheid vastgelegd op 01-05-2026, besloten door ALV. Het project is nu in fase Haalbaarheid.");
        await Expect(done).ToBeFocusedAsync();
        await Expect(page.Locator(".timeline li[aria-current='step']")).ToHaveAttributeAsync("data-phase", "Haalbaarheid");
        await Expect(page.Locator("#gate-decisions tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#gate-decisions tbody tr")).ToContainTextAsync("Initiatief → Haalbaarheid (go)");
        // The form is drawn for the new phase: the next gate, or back.
        await Expect(page.GetByLabel("Go: door naar Ontwikkeling")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("No-go: terug naar Initiatief")).ToBeVisibleAsync();

        var stored = (await admin.Get($"api/projects/{project}")).Body;
        Assert.Equal("Haalbaarheid", stored.GetProperty("phase").GetString());
        var decision = stored.GetProperty("history").EnumerateArray().Single();
        Assert.Equal("Go", decision.GetProperty("kind").GetString());
        Assert.Equal("2026-05-01", decision.GetProperty("decidedOn").GetString());
        Assert.Equal("ALV", decision.GetProperty("decidedBy").GetString());
        Assert.Equal("Bewonersgroep en intentieverklaring zijn er; door naar de haalbaarheidsstudie.", decision.GetProperty("rationale").GetString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_apis_refusals_stand_next_to_the_forms_and_nothing_changes()
    {
        var (project, boardToken) = await OwnProject();
        var admin = fixture.Server.Client();
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/deliverables/bewonersgroep", new { presentOn = "2026-03-01" })).Status);
        // At phone width: the forms and their messages stay within the screen.
        var page = await fixture.SignedIn(boardToken, width: 390, height: 844);
        await page.GotoAsync($"/app/project?id={project}");
        var gateForm = page.Locator("#gate-form");
        var send = gateForm.GetByRole(AriaRole.Button, new() { Name = "Poortbesluit vastleggen" });

        // A Go while the letter of intent is missing: the API's sentence and the open condition with its evidence.
        await page.GetByLabel("Datum van het besluit (dd-mm-jjjj)").FillAsync("01-05-2026");
        await page.GetByLabel("Besloten door (bijv. ALV, stuurgroep)").FillAsync("ALV");
        await page.GetByLabel("Motivering").FillAsync("Door naar de haalbaarheid.");
        await send.ClickAsync();
        await Expect(page.Locator("#gate-refusal")).ToContainTextAsync("De poort van Initiatief naar Haalbaarheid is nog niet gehaald: 1 voorwaarde niet vervuld.");
        var open = page.Locator("#gate-open-conditions li");
        await Expect(open).ToHaveCountAsync(1);
        await Expect(open).ToContainTextAsync("Intentieverklaring (letter of intent): Nog niet aanwezig");

        // The letter exists, but from after the decision's date: named at the date field.
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/deliverables/intentieverklaring", new { presentOn = "2026-06-01" })).Status);
        await send.ClickAsync();
        await Expect(page.Locator("#gd-date-error")).ToContainTextAsync(
            "Datum van het besluit: op 01-05-2026 was intentieverklaring (letter of intent) nog niet aanwezig (pas vanaf 01-06-2026)");
        await Expect(page.GetByLabel("Datum van het besluit (dd-mm-jjjj)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#gate-open-conditions")).ToHaveCountAsync(0);

        // A date that does not exist is refused in the page; who decided is required by the API, named at its field.
        await page.GetByLabel("Datum van het besluit (dd-mm-jjjj)").FillAsync("31-02-2026");
        await send.ClickAsync();
        await Expect(page.Locator("#gd-date-error")).ToContainTextAsync("Datum van het besluit: geen geldige datum; gebruik dd-mm-jjjj");
        await page.GetByLabel("Datum van het besluit (dd-mm-jjjj)").FillAsync("01-07-2026");
        await page.GetByLabel("Besloten door (bijv. ALV, stuurgroep)").FillAsync("");
        await send.ClickAsync();
        await Expect(page.Locator("#gd-by-error")).ToContainTextAsync("Besloten door:");
        await Expect(page.GetByLabel("Besloten door (bijv. ALV, stuurgroep)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Datum van het besluit (dd-mm-jjjj)")).Not.ToHaveAttributeAsync("aria-invalid", "true");

        // A document dated in the future: the API's reason at the date field.
        await page.GetByLabel("Document of besluit", new() { Exact = true }).SelectOptionAsync("haalbaarheidsstudie");
        await page.GetByLabel("Aanwezig sinds (dd-mm-jjjj)").FillAsync("01-02-2027");
        await page.GetByRole(AriaRole.Button, new() { Name = "Als aanwezig vastleggen" }).ClickAsync();
        await Expect(page.Locator("#dl-present-error")).ToContainTextAsync("Aanwezig sinds: 01-02-2027 ligt in de toekomst.");
        await Expect(page.GetByLabel("Aanwezig sinds (dd-mm-jjjj)")).ToHaveAttributeAsync("aria-invalid", "true");

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the project page scrolls sideways at 390 px with the forms and their refusals shown");

        var stored = (await admin.Get($"api/projects/{project}")).Body;
        Assert.Equal("Initiatief", stored.GetProperty("phase").GetString());
        Assert.Empty(stored.GetProperty("history").EnumerateArray());
        Assert.Equal(["bewonersgroep", "intentieverklaring"],
            stored.GetProperty("deliverables").EnumerateArray().Select(d => d.GetProperty("key").GetString()).Order());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_financier_and_another_cooperatives_board_see_the_page_without_any_form()
    {
        foreach (var token in new[] { fixture.FinancierToken, fixture.OtherBoardToken })
        {
            var page = await fixture.SignedIn(token);
            await page.GotoAsync("/app/project?id=wg-terrein");
            // The page has loaded and shows what everyone reads.
            await Expect(page.Locator("#gate-checklist")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Documenten en besluiten" })).ToBeVisibleAsync();
            await Expect(page.Locator("#deliverables tbody tr").First).ToBeVisibleAsync();
            await Expect(page.Locator("#deliverable-form")).ToHaveCountAsync(0);
            await Expect(page.Locator("#gate-form")).ToHaveCountAsync(0);
            await Expect(page.Locator("#milestone-form")).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Poortbesluit vastleggen" })).ToHaveCountAsync(0);
            await Expect(page.Locator("main form")).ToHaveCountAsync(0);
            await page.Context.CloseAsync();
        }
    }
}
