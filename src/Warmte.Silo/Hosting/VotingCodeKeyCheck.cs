using System.Data.Common;
using NodaTime;
using Warmte.Silo.Api;
using Warmte.Silo.Storage;
using Warmte.Voting;

namespace Warmte.Silo.Hosting;

/// <summary>
/// Every silo of one database must hash voting codes with the same key (Voting:CodeKey, or the
/// key file in its data directory), or a code issued through one silo is "not valid" on another.
/// The first start stores a fingerprint of the key in the shared database (row
/// <see cref="StepName"/> of <c>warmte_startup_step</c>); a later start whose key has another
/// fingerprint is refused before it writes anything (the start fails with a
/// <see cref="ConfigurationException"/> naming the setting; the process exits non-zero).
/// <para>
/// The fingerprint is the codes' own keyed hash (HMAC-SHA256 under the key) of a fixed label that
/// can never be a voting code (lowercase, slashes): not the key, and not a plain hash of it. Knowing
/// it does not help anyone check a guessed code (that needs HMAC(key, code), so the key) and does
/// not help guess the key (a 256-bit random key; HMAC is a PRF). A plain SHA-256 of the key would
/// also let anyone who holds a candidate key (an old backup's key file, a key reused elsewhere)
/// confirm it against a database copy without the silo's code path, and link deployments that share
/// a key; the labelled HMAC binds the value to this one purpose. See docs/security.md.
/// </para>
/// </summary>
public static class VotingCodeKeyCheck
{
    public const string StepName = "voting-code-key";

    /// <summary>Never a canonical code (those are four groups of four uppercase base32 symbols).</summary>
    private const string Label = "warmtenet/voting-code-key-fingerprint/v1";

    public static string Fingerprint(IVotingCodeHasher hasher) => "v1:" + hasher.Hash(Label);

    /// <summary>Stores the fingerprint on a database that has none; refuses a key whose fingerprint differs.</summary>
    public static async Task EnsureAsync(Database database, IVotingCodeHasher hasher, VotingSettings settings, IClock clock, ILogger logger)
    {
        var mine = Fingerprint(hasher);
        await using var connection = await database.OpenAsync();
        var stored = await StoredAsync(connection);
        if (stored is null)
        {
            // Two first starts at once: the first insert wins, the other is compared with it below.
            await ExecuteAsync(connection,
                "INSERT INTO warmte_startup_step (name, done_at, detail) VALUES (@name, @at, @detail) ON CONFLICT (name) DO NOTHING",
                ("name", StepName), ("at", clock.GetCurrentInstant().ToString()), ("detail", mine));
            stored = await StoredAsync(connection);
            if (stored == mine) logger.LogInformation("Voting-code key fingerprint stored in the database; every silo must use this key");
        }
        if (stored == mine) return;
        if (settings.ReplaceStoredCodeKey)
        {
            await ExecuteAsync(connection, "UPDATE warmte_startup_step SET detail = @detail, done_at = @at WHERE name = @name",
                ("name", StepName), ("at", clock.GetCurrentInstant().ToString()), ("detail", mine));
            logger.LogWarning("Voting:ReplaceStoredCodeKey: this silo's voting-code key replaces the one stored in the database; "
                              + "codes issued under the old key no longer work and silos still using it will refuse to start");
            return;
        }
        var source = settings.CodeKey is { Length: > 0 } ? "Voting:CodeKey" : $"het sleutelbestand {Path.Combine(database.Settings.DataDir, VotingCodeKey.FileName)} (Voting:CodeKey is niet gezet)";
        throw new ConfigurationException(
            $"Voting:CodeKey verschilt van de sleutel waarmee de stemcodes in deze database zijn uitgegeven: de sleutel van deze silo komt uit {source}, "
            + "en zijn vingerafdruk klopt niet met die bij de eerste start is opgeslagen. Een code die via de ene silo is uitgegeven, zou door een andere worden geweigerd. "
            + "Geef elke silo dezelfde Voting:CodeKey (base64, bijv. uit één keer 'openssl rand -base64 32'). Wilt u de sleutel bewust vervangen "
            + "(elke tot nu toe uitgegeven code werkt dan niet meer), start dan één silo één keer met --Voting:ReplaceStoredCodeKey true; zie docs/operations.md.");
    }

    private static async Task<string?> StoredAsync(DbConnection connection)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT detail FROM warmte_startup_step WHERE name = @name";
        Database.Parameter(cmd, "name", StepName);
        return await cmd.ExecuteScalarAsync() as string;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) Database.Parameter(cmd, name, value);
        await cmd.ExecuteNonQueryAsync();
    }
}
