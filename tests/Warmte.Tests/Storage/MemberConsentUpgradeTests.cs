using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Warmte.Tests.Storage;

/// <summary>
/// A database written by release ba5f89c (fixtures release-ba5f89c-members.*; members in Orleans
/// grain storage with their audit inside, consent answers inside the consent journal snapshot)
/// upgrades itself at first start: every member becomes a current row, every audit entry an audit
/// row, every answer per address a current row; the consent snapshot keeps only counts and shrinks.
/// Expected values are read from the fixture's own JSON, not through the service's classes.
/// </summary>
public sealed class MemberConsentUpgradeTests(ITestOutputHelper output)
{
    private const string FixtureToken = "fixture-admin-token-0123456789abcdef0123456789";

    [Fact]
    public async Task A_sqlite_file_of_release_ba5f89c_moves_members_and_consent_answers_to_current_rows()
    {
        var (dataDir, database) = StoredFixtures.Sqlite("release-ba5f89c-members.sqlite.db");
        await UpgradesAndAnswersAsTheOldRowsSaid(database, () => WarmteServer.StartAsync(dataDir));
    }

    [Fact]
    public async Task A_postgresql_dump_of_release_ba5f89c_moves_members_and_consent_answers_to_current_rows()
    {
        var (connectionString, database) = await StoredFixtures.PostgresAsync("release-ba5f89c-members.postgresql.sql");
        await UpgradesAndAnswersAsTheOldRowsSaid(database, () => WarmteServer.StartAsync(postgres: connectionString));
    }

    private async Task UpgradesAndAnswersAsTheOldRowsSaid(Database database, Func<Task<WarmteServer>> start)
    {
        // What release ba5f89c stored.
        var oldMembersRow = await Scalar(database, "SELECT PayloadBinary FROM OrleansStorage WHERE GrainTypeString = 'members' AND GrainIdExtensionString = 'ketelhuiswg'");
        var oldMembersBytes = ((byte[])oldMembersRow!).Length;
        var oldRegister = JsonDocument.Parse((byte[])oldMembersRow!).RootElement.Clone();
        var members = oldRegister.GetProperty("members").EnumerateArray().ToList();
        var memberAudit = oldRegister.GetProperty("audit").EnumerateArray().ToList();
        Assert.Equal(151, members.Count); // the demo's 150 and one registered by the fixture script
        var oldConsentState = (string)(await Scalar(database, $"SELECT {Text(database, "state")} FROM warmte_snapshot WHERE grain_type = 'consent' AND grain_key = 'wg-terrein'"))!;
        var complexes = JsonDocument.Parse(oldConsentState).RootElement.GetProperty("record").GetProperty("complexes").EnumerateArray().Select(c => c.Clone()).ToList();
        var declarations = complexes.ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("declarations").EnumerateArray().ToList());
        Assert.True(declarations.Values.Sum(d => d.Count) > 100);
        var consentJournal = await Count(database, "SELECT COUNT(*) FROM warmte_journal WHERE grain_type = 'consent' AND grain_key = 'wg-terrein'");

        await using (var server = await start())
        {
            var api = server.Client(FixtureToken);

            // Members: the old row is gone, one current row per member, the audit trail as audit rows.
            Assert.Equal(0, await Count(database, "SELECT COUNT(*) FROM OrleansStorage WHERE GrainTypeString = 'members'"));
            Assert.Equal(members.Count, await Count(database, "SELECT COUNT(*) FROM warmte_row WHERE grain_type = 'members' AND grain_key = 'ketelhuiswg' AND kind = 'member'"));
            Assert.Equal(memberAudit.Count, await Count(database, "SELECT COUNT(*) FROM warmte_journal WHERE grain_type = 'members' AND grain_key = 'ketelhuiswg' AND kind = 'audit'"));
            var listed = (await api.Get("api/cooperatives/ketelhuiswg/members")).Body.EnumerateArray().Select(WithoutNulls).ToList();
            Assert.Equal(members.Select(WithoutNulls), listed);
            var audit = (await api.Get("api/cooperatives/ketelhuiswg/members/audit?pageSize=200")).Body;
            Assert.Equal(memberAudit.Count, audit.GetProperty("total").GetInt32());
            Assert.Equal(Enumerable.Reverse(memberAudit).Select(e => e.GetRawText()), audit.GetProperty("entries").EnumerateArray().Select(e => e.GetRawText()));

            // Counts reconcile with the old list, on the summary's own date.
            var summary = (await api.Get("api/cooperatives/ketelhuiswg/members/summary")).Body;
            var on = summary.GetProperty("on").GetString()!;
            bool Active(JsonElement m) => string.CompareOrdinal(m.GetProperty("joinedOn").GetString(), on) <= 0
                && (!m.TryGetProperty("leftOn", out var left) || left.ValueKind == JsonValueKind.Null || string.CompareOrdinal(on, left.GetString()) < 0);
            Assert.Equal(members.Count(Active), summary.GetProperty("members").GetInt32());
            Assert.Equal(members.Where(Active).Sum(m => m.GetProperty("woningequivalenten").GetDecimal()), summary.GetProperty("woningequivalenten").GetDecimal());
            Assert.Equal(members.Count(m => Active(m) && m.GetProperty("eligibleToVote").GetBoolean()), summary.GetProperty("eligibleToVote").GetInt32());

            // Consent: the answers are current rows, the snapshot keeps counts only and shrank.
            var newConsentState = (string)(await Scalar(database, $"SELECT {Text(database, "state")} FROM warmte_snapshot WHERE grain_type = 'consent' AND grain_key = 'wg-terrein'"))!;
            Assert.DoesNotContain("1054 X", newConsentState);
            Assert.True(newConsentState.Length * 10 < oldConsentState.Length, $"consent snapshot {oldConsentState.Length} → {newConsentState.Length} bytes");
            Assert.Equal(consentJournal, await Count(database, "SELECT COUNT(*) FROM warmte_journal WHERE grain_type = 'consent' AND grain_key = 'wg-terrein'"));
            var status = (await api.Get("api/projects/wg-terrein/consent")).Body;
            foreach (var complex in status.GetProperty("complexes").EnumerateArray())
            {
                var id = complex.GetProperty("id").GetString()!;
                var old = declarations[id];
                Assert.Equal(old.Count, await Count(database, $"SELECT COUNT(*) FROM warmte_row WHERE grain_type = 'consent' AND grain_key = 'wg-terrein' AND kind = 'declaration' AND tag = '{id}'"));
                Assert.Equal(old.Count(d => d.GetProperty("response").GetString() == "Akkoord"), complex.GetProperty("agreed").GetInt32());
                Assert.Equal(old.Count(d => d.GetProperty("response").GetString() == "Geweigerd"), complex.GetProperty("refused").GetInt32());
                // The board's view lists every answer as stored, in the stored order; a page is its share.
                Assert.Equal(old.Select(WithoutNulls), complex.GetProperty("declarations").EnumerateArray().Select(WithoutNulls));
                var page = (await api.Get($"api/projects/wg-terrein/consent/complexes/{id}/declarations?page=2&pageSize=10")).Body;
                Assert.Equal(old.Count, page.GetProperty("total").GetInt32());
                Assert.Equal(old.Skip(10).Take(10).Select(WithoutNulls), page.GetProperty("entries").EnumerateArray().Select(WithoutNulls));
            }
            output.WriteLine($"members row {oldMembersBytes} B → snapshot {(await Scalar(database, $"SELECT {Length(database)} FROM warmte_snapshot WHERE grain_type = 'members'"))} B; consent snapshot {oldConsentState.Length} → {newConsentState.Length} B");

            // The upgraded grains take new facts: a tenant changes their mind, counts follow.
            var first = declarations["stadgenoot-a"].First(d => d.GetProperty("response").GetString() == "Akkoord");
            var changed = await api.Post("api/projects/wg-terrein/consent/complexes/stadgenoot-a/declarations", new
            {
                declarations = new[] { new { postcode = first.GetProperty("address").GetProperty("postcode").GetString(), huisnummer = first.GetProperty("address").GetProperty("huisnummer").GetInt32(), response = "Geweigerd", on = "2025-03-30" } },
            });
            Assert.Equal(HttpStatusCode.OK, changed.Status);
            var a = changed.Body.GetProperty("complexes").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "stadgenoot-a");
            Assert.Equal(declarations["stadgenoot-a"].Count(d => d.GetProperty("response").GetString() == "Akkoord") - 1, a.GetProperty("agreed").GetInt32());
            Assert.Equal(declarations["stadgenoot-a"].Count, a.GetProperty("declarations").GetArrayLength());
        }

        // A second start moves nothing.
        var rows = await Count(database, "SELECT COUNT(*) FROM warmte_row");
        var version = await Count(database, "SELECT version FROM warmte_snapshot WHERE grain_type = 'consent' AND grain_key = 'wg-terrein'");
        await using (var again = await start())
        {
            Assert.Equal(rows, await Count(database, "SELECT COUNT(*) FROM warmte_row"));
            Assert.Equal(version, await Count(database, "SELECT version FROM warmte_snapshot WHERE grain_type = 'consent' AND grain_key = 'wg-terrein'"));
            Assert.Equal(members.Count, (await again.Client(FixtureToken).Get("api/cooperatives/ketelhuiswg/members")).Body.GetArrayLength());
        }
    }

    private static string Text(Database database, string column) => database.IsPostgres ? column + "::text" : column;

    private static string Length(Database database) => database.IsPostgres ? "octet_length(state::text)" : "length(state)";

    /// <summary>
    /// The JSON without null properties and with properties in ordinal order: Orleans' storage left
    /// nulls out, the API writes them, and PostgreSQL's jsonb keeps its own key order.
    /// </summary>
    internal static string WithoutNulls(JsonElement element)
    {
        static JsonNode? Canonical(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
            JsonArray a => new JsonArray([.. a.Select(Canonical)]),
            null => null,
            _ => JsonNode.Parse(node.ToJsonString()),
        };
        return Canonical(JsonNode.Parse(element.GetRawText()))!.ToJsonString();
    }

    internal static async Task<object?> Scalar(Database database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        var value = await cmd.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    internal static async Task<long> Count(Database database, string sql) => Convert.ToInt64(await Scalar(database, sql), CultureInfo.InvariantCulture);
}
