using Warmte.Common;

namespace Warmte.Journal;

/// <summary>
/// The one shape of a write that may be retried under an <c>Idempotency-Key</c> (docs/architecture.md, "One request,
/// one effect"), for every grain that takes one (the cash plan's bookings and corrections, the grants' commands):
/// <list type="number">
/// <item>the rules first, on the current state;</item>
/// <item>refused → when a key was sent and is stored, the stored key answers (a retry of a request that has since
/// changed the state, e.g. a tranche already paid by the first try); otherwise the refusal, kept under the key when the
/// grain remembers that kind of refusal;</item>
/// <item>committed with the key: the key's row goes into the commit's transaction, and the key table's primary key
/// refuses a key used before (<see cref="Orleans.Storage.InconsistentStateException"/>, nothing of the commit
/// written); only then is the key read, and it answers.</item>
/// </list>
/// A key is never looked up on the way in (one query less per write), and a request has one effect however often it
/// comes, since key and fact commit together or not at all.
/// </summary>
public static class IdempotentWrite
{
    /// <param name="rules">What the rules made of the request on the current state.</param>
    /// <param name="key">The request's idempotency key, or null (then this is a plain commit).</param>
    /// <param name="findKey">Reads a stored key (<see cref="JournaledState{TState}.FindIdempotencyAsync"/>).</param>
    /// <param name="replay">The answer of a stored key: its first answer when it stands for this request, 409
    /// <c>idempotency-key-reused</c> when it does not.</param>
    /// <param name="commit">Commits the rules' result with the key's row when <paramref name="key"/> is not null, then
    /// answers.</param>
    /// <param name="rememberRefusal">Commits the key alone for a refusal the grain remembers (null when it remembers
    /// none, or not this kind); a retry then gets the same refusal even if the state changed meanwhile.</param>
    public static async Task<Outcome<TAnswer>> OnceAsync<TResult, TAnswer>(
        Outcome<TResult> rules,
        string? key,
        Func<string, Task<IdempotencyRecord?>> findKey,
        Func<IdempotencyRecord, Outcome<TAnswer>> replay,
        Func<TResult, string?, Task<TAnswer>> commit,
        Func<Refusal, string, Task>? rememberRefusal = null)
    {
        if (!rules.IsOk)
        {
            if (key is null) return rules.Refusal!;
            if (await findKey(key) is { } earlier) return replay(earlier);
            if (rememberRefusal is null) return rules.Refusal!;
            return await CommittedOrStoredAsync(async () => { await rememberRefusal(rules.Refusal!, key); return rules.Refusal!; }, key, findKey, replay);
        }
        if (key is null) return Outcome<TAnswer>.Ok(await commit(rules.Value!, null));
        return await CommittedOrStoredAsync(async () => Outcome<TAnswer>.Ok(await commit(rules.Value!, key)), key, findKey, replay);
    }

    private static async Task<Outcome<TAnswer>> CommittedOrStoredAsync<TAnswer>(Func<Task<Outcome<TAnswer>>> commit, string key,
        Func<string, Task<IdempotencyRecord?>> findKey, Func<IdempotencyRecord, Outcome<TAnswer>> replay)
    {
        try
        {
            return await commit();
        }
        catch (Orleans.Storage.InconsistentStateException)
        {
            // The key's row was there (or another activation committed first): a stored key answers; otherwise the
            // conflict goes on as before (409 concurrent-change, the grain has reloaded).
            if (await findKey(key) is { } stored) return replay(stored);
            throw;
        }
    }
}
