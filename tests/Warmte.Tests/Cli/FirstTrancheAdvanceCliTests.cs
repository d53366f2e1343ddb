using System.Net;
using NodaTime;
using Warmte.Common;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester T3 with the CLI against the real service: a new cooperative's first tranche is requested, approved on its request
/// and paid (an advance), the grant and its table say so; a grant recorded as a declaration scheme refuses that approval.
/// </summary>
public sealed class FirstTrancheAdvanceCliTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static LocalDate Today => SystemClock.Instance.GetCurrentInstant().InZone(AmsterdamTime.Zone).Date;

    private async Task<(string Project, string Board, string Financier)> Setup()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        return (project, await Token($"board:{coop}", "Bestuur"), await Token("financier:gemeente-amsterdam", "Gemeente Amsterdam"));
    }

    private async Task<string> Token(string role, string name)
    {
        var answer = await Server.Client().Post("api/tokens", new { name, role });
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        return answer.Text("token");
    }

    private Task<CliResult> As(string token, params string[] args) => CliHarness.Run(CliHarness.Env(Server.BaseUrl, token), null, Today, args);

    private static string Iso(LocalDate date) => date.ToString("yyyy-MM-dd", null);

    [Fact]
    public async Task The_first_tranche_is_requested_approved_and_paid_without_an_accounting()
    {
        var (project, board, financier) = await Setup();
        var decided = Today.PlusDays(-60);
        var created = await As(financier, "grant", "create", project, "--id", "gem-ontw", "--scheme", "Ontwikkelsubsidie", "--funder", "Gemeente Amsterdam",
            "--amount", "300.000,00", "--decided", Iso(decided), "--tranche", "100000", "--tranche", "100000", "--tranche", "100000");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("De eerste tranche is een voorschot", created.Out);

        Assert.True((await As(board, "tranche", "request", project, "gem-ontw", "1", "--date", Iso(decided.PlusDays(10)))).ExitCode == 0);
        var approved = await As(financier, "tranche", "approve", project, "gem-ontw", "1", "--date", Iso(decided.PlusDays(20)));
        Assert.True(approved.ExitCode == 0, approved.ToString());
        var paid = await As(financier, "tranche", "pay", project, "gem-ontw", "1", "--amount", "100.000,00", "--date", Iso(decided.PlusDays(25)));
        Assert.True(paid.ExitCode == 0, paid.ToString());

        var show = await As(board, "grant", "show", project, "gem-ontw");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("voorschot op het subsidiebesluit", show.Out);
        Assert.Contains("uitbetaald (voorschot)", show.Out);
        Assert.Equal(100_000m, (await Server.Client().Get($"api/projects/{project}/grants/gem-ontw")).Body.GetProperty("totalPaid").GetDecimal());

        // Tranche 2 is released by the accounting of what was spent, not on its request.
        Assert.True((await As(board, "tranche", "request", project, "gem-ontw", "2", "--date", Iso(decided.PlusDays(40)))).ExitCode == 0);
        var early = await As(financier, "tranche", "approve", project, "gem-ontw", "2", "--date", Iso(decided.PlusDays(41)));
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("Alleen de eerste tranche kan als voorschot", early.Err);
    }

    [Fact]
    public async Task A_grant_recorded_as_a_declaration_scheme_waits_for_the_first_accounting()
    {
        var (project, board, financier) = await Setup();
        var decided = Today.PlusDays(-60);
        var created = await As(financier, "grant", "create", project, "--id", "decl", "--scheme", "Declaratieregeling", "--funder", "Gemeente Amsterdam",
            "--amount", "100000", "--decided", Iso(decided), "--tranche", "100000", "--first-tranche-after-accounting");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("Ook de eerste tranche wordt pas uitbetaald na goedgekeurde verantwoording", created.Out);
        Assert.True((await As(board, "tranche", "request", project, "decl", "1", "--date", Iso(decided.PlusDays(10)))).ExitCode == 0);
        var refused = await As(financier, "tranche", "approve", project, "decl", "1", "--date", Iso(decided.PlusDays(20)));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("geen voorschot", refused.Err);
    }
}
