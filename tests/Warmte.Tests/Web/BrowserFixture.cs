using System.Net;
using Microsoft.Playwright;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Web;

/// <summary>
/// One real service with the demo data (APEC with KetelhuisWG) and one headless Chromium, shared
/// by every browser test (starting a browser per test would cost seconds each). The clock is
/// fixed so the cash outlook, the alerts and the screenshots do not change with the day the
/// tests run.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium package; Playwright's own browser download cannot work on a closed network.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    public static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>15 January 2027: tranche 6 of the demo waits for approval and the cash runs out in March.</summary>
    public static readonly Instant Today = Instant.FromUtc(2027, 1, 15, 11, 0);

    public WarmteServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    private IPlaywright _playwright = null!;

    public string FinancierToken { get; private set; } = "";

    public string CoordinatorToken { get; private set; } = "";

    public string KetelhuisBoardToken { get; private set; } = "";

    public string OtherBoardToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // Fail, never skip: a missing browser must not turn the dashboard tests green.
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"Chromium is missing at {ChromiumPath}: the web dashboard tests need Debian's chromium package. Install it with 'apt-get install -y chromium' (.ci/run does this when it is missing).");

        // Two services with the same demo data and clock: one that tests may write to, and one for the README's
        // screenshots that nothing writes to, so the pictures do not depend on which tests ran before.
        var servers = await Task.WhenAll(DemoServer(), DemoServer());
        Server = servers[0];
        var admin = Server.Client();
        FinancierToken = await Token(admin, "financier", "Gemeente Amsterdam, fondsbeheer");
        CoordinatorToken = await Token(admin, "coordinator", "APEC-coördinator");
        KetelhuisBoardToken = await Token(admin, "board:ketelhuiswg", "Bestuur KetelhuisWG");
        OtherBoardToken = await Token(admin, "board:stadswind", "Bestuur Stadswind");
        var screens = servers[1].Client();
        Screens = new DataSet(this, servers[1],
            await Token(screens, "financier", "Gemeente Amsterdam, fondsbeheer"),
            await Token(screens, "coordinator", "APEC-coördinator"),
            await Token(screens, "board:ketelhuiswg", "Bestuur KetelhuisWG"));

        // The machine is shared with other builds: give the pages time rather than fail on a busy moment.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs,
        });
    }

    /// <summary>
    /// The demo data for the screenshot tests (DashboardTests): its own service, read only, so every picture in
    /// docs/screenshots shows the demo and nothing another test created, in whatever order the tests run.
    /// </summary>
    public DataSet Screens { get; private set; } = null!;

    public sealed class DataSet(BrowserFixture browser, WarmteServer server, string financierToken, string coordinatorToken, string ketelhuisBoardToken)
    {
        public WarmteServer Server { get; } = server;
        public string FinancierToken { get; } = financierToken;
        public string CoordinatorToken { get; } = coordinatorToken;
        public string KetelhuisBoardToken { get; } = ketelhuisBoardToken;
        public Task<IPage> NewPage(int width = 1280, int height = 900) => browser.NewPage(Server, width, height);
        public Task<IPage> SignedIn(string token, int width = 1280, int height = 900) => browser.SignedIn(Server, token, width, height);
    }

    private static async Task<WarmteServer> DemoServer()
    {
        var server = await WarmteServer.StartAsync(clock: new FakeClock(Today));
        var demo = await server.Client().Post("api/demo", new { });
        if (demo.Status != HttpStatusCode.OK) throw new InvalidOperationException("Loading the demo failed: " + demo.Raw);
        return server;
    }

    public static async Task<string> Token(HttpClient admin, string role, string name)
    {
        var answer = await admin.Post("api/tokens", new { name, role });
        if (answer.Status != HttpStatusCode.Created) throw new InvalidOperationException(answer.Raw);
        return answer.Text("token");
    }

    /// <summary>A fresh browser context (own sessionStorage) at laptop size, or the given size.</summary>
    public Task<IPage> NewPage(int width = 1280, int height = 900) => NewPage(Server, width, height);

    private async Task<IPage> NewPage(WarmteServer server, int width, int height)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "nl-NL",
            TimezoneId = "Europe/Amsterdam",
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        return page;
    }

    /// <summary>Signs in through the sign-in form, as a person would, and waits for the role's start page.</summary>
    public Task<IPage> SignedIn(string token, int width = 1280, int height = 900) => SignedIn(Server, token, width, height);

    /// <summary>As above, on another server (e.g. an empty one).</summary>
    public async Task<IPage> SignedIn(WarmteServer server, string token, int width, int height)
    {
        var page = await NewPage(server, width, height);
        var recorder = new PageRecorder(page);
        try
        {
            await page.GotoAsync("/");
            await page.GetByLabel("Token").FillAsync(token);
            await page.GetByRole(AriaRole.Button, new() { Name = "Aanmelden" }).ClickAsync();
            recorder.Add("clicked Aanmelden");
            // Wait for what every start page shows once it has loaded: who is signed in. Expect polls the
            // page, across the navigation, until it is there. Not page.WaitForURLAsync: Playwright .NET
            // checks the address and only then starts listening for navigations, and a navigation that
            // commits in between is missed; the first call of a run takes ~120 ms to start listening,
            // which is why the first sign-in (the coordinator's test) "never navigated" (docs/web.md).
            await Assertions.Expect(page.Locator("#signed-in-as")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            return page;
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            // No retry: a sign-in that does not arrive is a defect to see. Say what the page did.
            throw new InvalidOperationException(
                await recorder.Report("Signing in did not reach the start page: " + e.Message.Split('\n')[0]), e);
        }
    }

    /// <summary>
    /// Takes a full-page picture. The README's pictures (docs/screenshots/) are rewritten only when
    /// WARMTE_UPDATE_SCREENSHOTS=1, so a test run leaves the checkout as it found it; otherwise the
    /// pictures go to a temporary folder (the screenshot itself still has to work).
    /// </summary>
    public static async Task Screenshot(IPage page, string name)
    {
        var directory = Environment.GetEnvironmentVariable("WARMTE_UPDATE_SCREENSHOTS") == "1"
            ? RepoFiles.Path("docs", "screenshots")
            : Path.Combine(Path.GetTempPath(), "warmte-screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        if (Screens is not null) await Screens.Server.DisposeAsync();
    }
}

/// <summary>
/// Runs on its own, after the parallel collections: a browser driving pages against a silo needs the
/// cores to itself, or its waits time out on a 2-core machine busy with Gnumeric and PostgreSQL tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
