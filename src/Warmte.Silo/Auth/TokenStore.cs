using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using NodaTime;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Auth;

/// <summary>A token as listed: never the token itself, which is shown once at creation.</summary>
public sealed record TokenInfo(string Id, string Name, string Role, Instant CreatedAt, string CreatedBy, Instant? RevokedAt);

/// <summary>A newly created token: the secret is in <see cref="Token"/> and nowhere else.</summary>
public sealed record CreatedToken(TokenInfo Info, string Token);

/// <summary>What the lookup cache knows about a token, without asking the database.</summary>
public enum CachedToken
{
    /// <summary>Nothing: a lookup would ask the database.</summary>
    Miss,
    /// <summary>Active, checked less than <see cref="TokenStore.CacheFor"/> ago.</summary>
    Active,
    /// <summary>Unknown or revoked, checked less than <see cref="TokenStore.CacheFor"/> ago: answered without the database.</summary>
    Unknown,
    /// <summary>Active when last checked, longer ago: a lookup asks the database, but this is a token someone was given.</summary>
    KnownBefore,
}

/// <summary>
/// API tokens in the service's database, stored as SHA-256 hashes (tokens are 256-bit random,
/// so a plain hash suffices; no salt or slow hash needed). Lookups are cached for a few seconds,
/// so a revocation takes effect within <see cref="CacheFor"/> on every silo. Hashes found unknown
/// (or revoked) are cached as such for as long, in a bounded set, so a client repeating a wrong token
/// costs one query per <see cref="CacheFor"/>, not one per request; a token created on this silo is
/// taken out of that set at once.
/// </summary>
public sealed class TokenStore(Database database, IClock clock)
{
    public static readonly Duration CacheFor = Duration.FromSeconds(5);

    private const int MaxCachedTokens = 10_000;

    /// <summary>Bound of the negative cache; when full it starts again empty (so it never grows with random tokens).</summary>
    public const int MaxUnknownTokens = 10_000;

    private readonly ConcurrentDictionary<string, (TokenInfo? Info, Instant Until)> _cache = new();

    private readonly ConcurrentDictionary<string, Instant> _unknown = new();

    private long _databaseLookups;

    /// <summary>How often <see cref="FindActiveAsync"/> asked the database (since the start), for tests and the load generator.</summary>
    public long DatabaseLookups => Interlocked.Read(ref _databaseLookups);

    /// <summary>What the cache says about this token now; never asks the database.</summary>
    public CachedToken Peek(string token)
    {
        var hash = Hash(token);
        var now = clock.GetCurrentInstant();
        if (_cache.TryGetValue(hash, out var cached)) return cached.Until > now ? CachedToken.Active : CachedToken.KnownBefore;
        return _unknown.TryGetValue(hash, out var until) && until > now ? CachedToken.Unknown : CachedToken.Miss;
    }

    public const string Prefix = "wt_";

    /// <summary>Advisory lock key for the first-admin bootstrap ("wrmtok" in ASCII); any constant shared by all silos works.</summary>
    private const long BootstrapLockKey = 0x77726D746F6B;

    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>
    /// Creates the first admin token unless an active admin token exists, atomically: silos starting
    /// together on one database create at most one (PostgreSQL: an advisory lock; SQLite: an
    /// immediate transaction). Returns null when there already was one, or when the preset token exists
    /// already (active or revoked).
    /// </summary>
    public async Task<CreatedToken?> CreateFirstAdminAsync(string name, string createdBy, string? presetToken)
    {
        await using var connection = await database.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (database.IsPostgres)
        {
            await using var lockCommand = connection.CreateCommand();
            lockCommand.Transaction = tx;
            lockCommand.CommandText = "SELECT pg_advisory_xact_lock(@key)";
            Database.Parameter(lockCommand, "key", BootstrapLockKey);
            await lockCommand.ExecuteNonQueryAsync();
        }
        if (presetToken is not null)
        {
            // A preset token is created once: inserting it again (after a revocation) would break the unique
            // hash constraint and the start, and would bring a revoked token back to life.
            await using var known = connection.CreateCommand();
            known.Transaction = tx;
            known.CommandText = "SELECT COUNT(*) FROM warmte_api_token WHERE token_hash = @hash";
            Database.Parameter(known, "hash", Hash(presetToken));
            if (Convert.ToInt64(await known.ExecuteScalarAsync()) > 0) return null;
        }
        await using (var check = connection.CreateCommand())
        {
            check.Transaction = tx;
            check.CommandText = "SELECT COUNT(*) FROM warmte_api_token WHERE role = @role AND revoked_at IS NULL";
            Database.Parameter(check, "role", Role.Admin);
            if (Convert.ToInt64(await check.ExecuteScalarAsync()) > 0) return null;
        }
        var created = await InsertAsync(connection, tx, name, Role.Admin, createdBy, presetToken);
        await tx.CommitAsync();
        _unknown.TryRemove(Hash(created.Token), out _);
        return created;
    }

    public async Task<CreatedToken> CreateAsync(string name, string role, string createdBy, string? presetToken = null)
    {
        await using var connection = await database.OpenAsync();
        var created = await InsertAsync(connection, null, name, role, createdBy, presetToken);
        // A token created just now works at once, even if someone presented it (a preset token) a moment ago.
        _unknown.TryRemove(Hash(created.Token), out _);
        return created;
    }

    private async Task<CreatedToken> InsertAsync(
        System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? tx, string name, string role, string createdBy, string? presetToken)
    {
        if (!Role.IsValid(role)) throw new ArgumentException($"Onbekende rol '{role}'; kies uit {Role.Description}.", nameof(role));
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("Een token heeft een naam nodig.", nameof(name));
        var token = presetToken ?? Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var info = new TokenInfo("tok-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), name.Trim(), role,
            clock.GetCurrentInstant(), createdBy, null);
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO warmte_api_token (id, name, role, token_hash, created_at, created_by, revoked_at)
            VALUES (@id, @name, @role, @hash, @at, @by, NULL)
            """;
        Database.Parameter(cmd, "id", info.Id);
        Database.Parameter(cmd, "name", info.Name);
        Database.Parameter(cmd, "role", info.Role);
        Database.Parameter(cmd, "hash", Hash(token));
        Database.Parameter(cmd, "at", info.CreatedAt.ToString());
        Database.Parameter(cmd, "by", createdBy);
        await cmd.ExecuteNonQueryAsync();
        return new CreatedToken(info, token);
    }

    /// <summary>The active token with this secret, or null (unknown or revoked).</summary>
    public async Task<TokenInfo?> FindActiveAsync(string token)
    {
        var hash = Hash(token);
        var now = clock.GetCurrentInstant();
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now) return cached.Info;
        if (_unknown.TryGetValue(hash, out var unknownUntil) && unknownUntil > now) return null;
        Interlocked.Increment(ref _databaseLookups);
        var found = (await QueryAsync("WHERE token_hash = @hash AND revoked_at IS NULL", ("hash", hash))).FirstOrDefault();
        if (found is not null)
        {
            if (_cache.Count >= MaxCachedTokens) _cache.Clear();
            _cache[hash] = (found, now + CacheFor);
            _unknown.TryRemove(hash, out _);
        }
        else
        {
            // Misses go to their own bounded set: random tokens cannot grow it past MaxUnknownTokens,
            // and the per-address lookup limit (TokenLookupGate) keeps them from costing a query each.
            _cache.TryRemove(hash, out _);
            if (_unknown.Count >= MaxUnknownTokens) _unknown.Clear();
            _unknown[hash] = now + CacheFor;
        }
        return found;
    }

    /// <summary>Whether a token with this secret exists and is revoked (for the preset admin token's start check).</summary>
    public async Task<bool> IsRevokedAsync(string token) =>
        (await QueryAsync("WHERE token_hash = @hash AND revoked_at IS NOT NULL", ("hash", Hash(token)))).Count > 0;

    /// <summary>The active token with this id (not its secret), or null; for sessions opened with a token.</summary>
    public async Task<TokenInfo?> FindActiveByIdAsync(string id) =>
        (await QueryAsync("WHERE id = @id AND revoked_at IS NULL", ("id", id))).FirstOrDefault();

    public Task<IReadOnlyList<TokenInfo>> ListAsync() => QueryAsync("ORDER BY created_at, id");

    /// <summary>Revokes a token by id; false when there is no active token with that id.</summary>
    public async Task<bool> RevokeAsync(string id)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE warmte_api_token SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL";
        Database.Parameter(cmd, "at", clock.GetCurrentInstant().ToString());
        Database.Parameter(cmd, "id", id);
        var changed = await cmd.ExecuteNonQueryAsync() > 0;
        // Only this token leaves the cache: the others stay known, so they keep passing the lookup limit.
        foreach (var (hash, entry) in _cache)
            if (entry.Info?.Id == id) _cache.TryRemove(hash, out _);
        return changed;
    }

    /// <summary><paramref name="where"/> is SQL written in this class (a constant); values only ever go in as parameters.</summary>
    private async Task<IReadOnlyList<TokenInfo>> QueryAsync(string where, params (string Name, object Value)[] parameters)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT id, name, role, created_at, created_by, revoked_at FROM warmte_api_token {where}";
        foreach (var (n, v) in parameters) Database.Parameter(cmd, n, v);
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<TokenInfo>();
        while (await reader.ReadAsync())
            list.Add(new TokenInfo(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                ParseInstant(reader.GetString(3)), reader.GetString(4),
                reader.IsDBNull(5) ? null : ParseInstant(reader.GetString(5))));
        return list;
    }

    private static Instant ParseInstant(string text) => NodaTime.Text.InstantPattern.ExtendedIso.Parse(text).Value;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
