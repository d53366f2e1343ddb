using System.Net;
using Microsoft.Extensions.Logging;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>Tester finding F17: a query parameter that is not a number got an anonymous 400 "Fout"; now it is invalid-input naming the parameter.</summary>
public sealed class QueryBindingTests : IAsyncLifetime
{
    private WarmteServer _server = null!;

    public async Task InitializeAsync() => _server = await WarmteServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_numeric_query_parameter_that_is_not_a_number_is_refused_naming_it()
    {
        var admin = _server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, "qb-coop", "qb-proj");
        foreach (var (path, field) in new[]
                 {
                     ($"api/projects/{project}/audit?page=abc", "page"),
                     ($"api/projects/{project}/audit?pageSize=x", "pageSize"),
                     ("api/audit/refusals?limit=abc", "limit"),
                     ($"api/projects/{project}/business-cases?page=x", "page"),
                     ($"api/projects/{project}/business-cases/compare?from=een&to=2", "from"),
                 })
        {
            var answer = await admin.Get(path);
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal("invalid-input", answer.Code);
            Assert.Equal([field], answer.ErrorFields);
            Assert.Contains("geen geheel getal", answer.Body.GetProperty("errors").GetProperty(field)[0].GetString());
        }
        // A whole number the parameter cannot hold is called too large or too small, not "no whole number" (tester8 T10).
        foreach (var (path, field, says) in new[]
                 {
                     ($"api/projects/{project}/audit?page=2147483648", "page", "'2147483648' is te groot (hoogstens 2.147.483.647)."),
                     ($"api/projects/{project}/grants/audit?pageSize=99999999999999999999", "pageSize", "'99999999999999999999' is te groot (hoogstens 2.147.483.647)."),
                     ($"api/projects/{project}/business-cases?page=-2147483649", "page", "'-2147483649' is te klein (minstens -2.147.483.648)."),
                 })
        {
            var answer = await admin.Get(path);
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal([field], answer.ErrorFields);
            Assert.Equal(says, answer.Body.GetProperty("errors").GetProperty(field)[0].GetString());
        }
        // A number still binds, and the endpoint's own check still answers.
        Assert.Equal(HttpStatusCode.OK, (await admin.Get($"api/projects/{project}/audit?page=1")).Status);
        Assert.Equal(["page"], (await admin.Get($"api/projects/{project}/audit?page=0")).ErrorFields);
    }
}

/// <summary>A refused query parameter's value (a token pasted into the URL) reaches no log line at any level.</summary>
public sealed class QueryBindingLogTests
{
    [Fact]
    public async Task The_value_of_a_query_parameter_that_does_not_bind_is_not_logged()
    {
        var logs = new Warmte.Tests.Operations.CapturedLogs();
        await using var server = await WarmteServer.StartAsync(
            extraArgs: ["--Logging:LogLevel:Default", "Debug", "--Logging:LogLevel:Microsoft.AspNetCore", "Debug", "--Logging:LogLevel:Orleans", "Warning"],
            configure: builder => builder.Logging.AddProvider(logs));
        var admin = server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, "qbl-coop", "qbl-proj");
        const string pasted = "wt_pasted-secret-0123456789abcdefghij";
        var answer = await admin.Get($"api/projects/{project}/audit?page={pasted}");
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(["page"], answer.ErrorFields);
        Assert.NotEmpty(logs.Entries);
        Assert.DoesNotContain(logs.Entries, e => e.Contains(pasted, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.StartsWith("Error", StringComparison.Ordinal));
    }
}
