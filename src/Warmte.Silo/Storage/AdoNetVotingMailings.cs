using NodaTime;
using NodaTime.Text;
using Warmte.Voting;

namespace Warmte.Silo.Storage;

/// <summary>
/// The keyed voting mails being sent (warmte_voting_mailing, sqlite/0021 + 0022, postgresql/0025 + 0026) on SQLite or PostgreSQL: one
/// row per meeting and key, written before the first mail goes out and deleted when the mailing ends
/// (docs/members-and-decisions.md, "A retried voting mail").
/// </summary>
public sealed class AdoNetVotingMailings(Database database) : IVotingMailings
{
    public async Task<MailingStarted?> FindAsync(string votingKey, string key)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT fingerprint, silo, started_at, run FROM warmte_voting_mailing WHERE voting_key = @voting AND idempotency_key = @key";
        Database.Parameter(cmd, "voting", votingKey);
        Database.Parameter(cmd, "key", key);
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return new MailingStarted(key, reader.GetString(0), reader.GetString(1), InstantPattern.ExtendedIso.Parse(reader.GetString(2)).Value, reader.GetString(3));
    }

    public async Task StartAsync(string votingKey, MailingStarted mailing)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "INSERT INTO warmte_voting_mailing (voting_key, idempotency_key, fingerprint, silo, started_at, run) VALUES (@voting, @key, @fingerprint, @silo, @at, @run) "
                          + "ON CONFLICT (voting_key, idempotency_key) DO UPDATE SET fingerprint = excluded.fingerprint, silo = excluded.silo, started_at = excluded.started_at, run = excluded.run";
        Database.Parameter(cmd, "voting", votingKey);
        Database.Parameter(cmd, "key", mailing.Key);
        Database.Parameter(cmd, "fingerprint", mailing.Fingerprint);
        Database.Parameter(cmd, "silo", mailing.Silo);
        Database.Parameter(cmd, "at", InstantPattern.ExtendedIso.Format(mailing.StartedAt));
        Database.Parameter(cmd, "run", mailing.Run);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task EndAsync(string votingKey, string key, string run)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "DELETE FROM warmte_voting_mailing WHERE voting_key = @voting AND idempotency_key = @key AND run = @run";
        Database.Parameter(cmd, "voting", votingKey);
        Database.Parameter(cmd, "key", key);
        Database.Parameter(cmd, "run", run);
        await cmd.ExecuteNonQueryAsync();
    }
}
