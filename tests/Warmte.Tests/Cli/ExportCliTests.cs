using System.Net;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using Warmte.Client;
using Warmte.Tests.Http;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary><c>warmte export apec|project|portfolio</c> against a real service: the file lands where asked, mistakes are explained in Dutch.</summary>
public sealed class ExportCliTests(ExportServerFixture fixture) : IClassFixture<ExportServerFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("warmte-cli-export-");

    public void Dispose() => _dir.Delete(recursive: true);

    private WarmteServer Server => fixture.Server;

    private async Task<(int Code, string Out, string Err)> Run(string? token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new Dictionary<string, string?> { ["WARMTE_URL"] = Server.BaseUrl, ["WARMTE_TOKEN"] = token };
        var code = await WarmteCli.RunAsync(args, stdout, stderr, env);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string File(string name) => Path.Combine(_dir.FullName, name);

    private static readonly SemaphoreSlim ApecOnce = new(1, 1);
    private static bool _apecMade;

    /// <summary>The umbrella "apec" (the command's default) with one cooperative and project with a business case; made once per server.</summary>
    private async Task<string> SeedApec()
    {
        var admin = Server.Client();
        await ApecOnce.WaitAsync();
        try
        {
            if (!_apecMade)
            {
                await admin.Post("api/umbrellas", new { id = "apec", name = "Amsterdamse Producerende Energiecoöperaties" });
                _apecMade = true;
            }
        }
        finally { ApecOnce.Release(); }
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
        {
            id = coop, statutoryName = "Coöperatie CLI U.A.", kind = "HeatNetwork", municipality = "Amsterdam", umbrellas = new[] { "apec" },
        })).Status);
        var project = $"proj-{Guid.NewGuid().ToString("N")[..8]}";
        await admin.Post($"api/cooperatives/{coop}/projects", new { id = project, name = "Warmtenet CLI", woningequivalenten = 1500, plannedConnections = 1000, startedOn = "2018-01-01" });
        await admin.Post($"api/projects/{project}/business-cases", new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")) });
        await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = 7_700_000m, decidedOn = "2019-01-01", tranches = new[] { new { amount = 7_700_000m } },
        });
        return project;
    }

    [Fact]
    public async Task Each_export_writes_a_workbook_that_opens()
    {
        var project = await SeedApec();
        var token = Server.AdminToken;

        var apec = await Run(token, "export", "apec", "--out", File("apec.xlsx"));
        Assert.True(apec.Code == 0, apec.Err);
        Assert.Contains("Spreadsheet opgeslagen: " + File("apec.xlsx"), apec.Out);
        using (var workbook = new XLWorkbook(File("apec.xlsx")))
        {
            Assert.Equal("Overzicht", workbook.Worksheets.First().Name);
            Assert.Contains(project, workbook.Worksheets.Select(s => s.Name));
        }

        var single = await Run(token, "export", "project", project, "--out", File("project.xlsx"));
        Assert.True(single.Code == 0, single.Err);
        using (var workbook = new XLWorkbook(File("project.xlsx"))) Assert.Equal([project, "Toelichting"], workbook.Worksheets.Select(s => s.Name));

        var portfolio = await Run(token, "export", "portfolio", "--out", File("portefeuille.xlsx"), "--json");
        Assert.True(portfolio.Code == 0, portfolio.Err);
        Assert.Contains("\"bytes\":", portfolio.Out);
        using (var workbook = new XLWorkbook(File("portefeuille.xlsx"))) Assert.Equal("Portefeuille", workbook.Worksheets.First().Name);
        Assert.DoesNotContain(_dir.GetFiles(), f => f.Name.EndsWith(".deel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mistakes_are_explained_in_dutch_with_the_cli_exit_codes_and_write_nothing()
    {
        var token = Server.AdminToken;
        var unknown = await Run(token, "export", "project", "bestaat-niet", "--out", File("x.xlsx"));
        Assert.Equal(WarmteCli.BadInput, unknown.Code);
        Assert.Contains("bestaat-niet", unknown.Err);
        Assert.Contains("HTTP 404", unknown.Err);

        var umbrella = await Run(token, "export", "apec", "--umbrella", "geen-koepel", "--out", File("x.xlsx"));
        Assert.Equal(WarmteCli.BadInput, umbrella.Code);
        Assert.Contains("geen-koepel", umbrella.Err);

        var csv = await Run(token, "export", "portfolio", "--out", File("portefeuille.csv"));
        Assert.Equal(WarmteCli.BadInput, csv.Code);
        Assert.Contains("moet op .xlsx eindigen", csv.Err);

        var folder = await Run(token, "export", "portfolio", "--out", Path.Combine(_dir.FullName, "geen-map", "p.xlsx"));
        Assert.Equal(WarmteCli.BadInput, folder.Code);
        Assert.Contains("bestaat niet", folder.Err);

        var anonymous = await Run(null, "export", "portfolio", "--out", File("p.xlsx"));
        Assert.Equal(WarmteCli.ServiceProblem, anonymous.Code);
        Assert.Contains("Niet aangemeld", anonymous.Err);

        Assert.Empty(_dir.GetFiles());
        foreach (var result in new[] { unknown, umbrella, csv, folder, anonymous }) Assert.DoesNotContain("   at ", result.Err);
    }

    [Fact]
    public async Task Help_lists_the_export_commands_with_examples()
    {
        var group = await Run(null, "export", "--help");
        Assert.Equal(0, group.Code);
        foreach (var command in new[] { "apec", "project", "portfolio" }) Assert.Contains(command, group.Out);
        var apec = await Run(null, "export", "apec", "--help");
        Assert.Contains("warmte export apec --out apec.xlsx", apec.Out);
        Assert.Contains("--umbrella", apec.Out);
        var general = await Run(null, "--help");
        Assert.Contains("Spreadsheets: export (.xlsx) en import", general.Out);
    }
}
