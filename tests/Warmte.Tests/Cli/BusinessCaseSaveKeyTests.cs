using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// <c>warmte business-case save</c> sends an idempotency key (issue 15): a fresh one per invocation, the given one with
/// <c>--idempotency-key</c>, and after an unknown outcome the error names the same command with that key. The service's
/// side (one version per key) is IdempotentSaveApiTests.
/// </summary>
public sealed class BusinessCaseSaveKeyTests
{
    private const string Url = "https://warmte.test";
    private const string SavePath = "/api/projects/wg-terrein/business-cases";

    private static Task<CliResult> Warmte(FakeApi api, params string[] args) => CliHarness.Run(CliHarness.Env(Url, "wt_test"), api, args);

    [Fact]
    public async Task After_no_answer_the_save_names_the_same_command_with_its_key_and_that_command_sends_the_same_request()
    {
        var model = RepoFiles.Path("models", "ketelhuiswg.json");
        var failing = new FakeApi().On("POST", SavePath, 503, "");
        var first = await Warmte(failing, "business-case", "save", "wg-terrein", model, "--note", "Lening gemeente 3%");
        Assert.Equal(2, first.ExitCode);
        var sent = Assert.Single(failing.Requests);
        Assert.False(string.IsNullOrEmpty(sent.IdempotencyKey));
        Assert.Contains("Of de versie is bewaard, is niet zeker", first.Err);
        Assert.Contains($"warmte business-case save wg-terrein {model} --note 'Lening gemeente 3%' --idempotency-key {sent.IdempotencyKey}", first.Err);
        CliHarness.AssertNoStackTrace(first);

        var answering = new FakeApi().On("POST", SavePath, 201,
            """{"version":1,"name":"KetelhuisWG","note":"Lening gemeente 3%","savedBy":"Bestuur","savedAt":"2026-12-07T10:00:00Z","kpis":{}}""");
        var retry = await Warmte(answering, "business-case", "save", "wg-terrein", model, "--note", "Lening gemeente 3%", "--idempotency-key", sent.IdempotencyKey!);
        Assert.True(retry.ExitCode == 0, retry.ToString());
        var again = Assert.Single(answering.Requests);
        Assert.Equal(sent.IdempotencyKey, again.IdempotencyKey);
        Assert.Equal(sent.Body, again.Body);
        Assert.Contains("bewaard als versie 1 van wg-terrein", retry.Out);
    }

    [Fact]
    public async Task Each_invocation_without_a_key_sends_a_new_one()
    {
        var model = RepoFiles.Path("models", "ketelhuiswg.json");
        var api = new FakeApi().On("POST", SavePath, 201, """{"version":1,"name":"KetelhuisWG","kpis":{}}""");
        Assert.Equal(0, (await Warmte(api, "business-case", "save", "wg-terrein", model)).ExitCode);
        Assert.Equal(0, (await Warmte(api, "business-case", "save", "wg-terrein", model)).ExitCode);
        Assert.Equal(2, api.Requests.Count);
        Assert.All(api.Requests, r => Assert.False(string.IsNullOrEmpty(r.IdempotencyKey)));
        Assert.NotEqual(api.Requests[0].IdempotencyKey, api.Requests[1].IdempotencyKey);
    }
}
