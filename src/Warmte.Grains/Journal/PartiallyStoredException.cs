namespace Warmte.Journal;

/// <summary>
/// A write of several commits (a project: the project, its link in the cooperative, its alert watch; a cooperative: the
/// cooperative, the registry, its umbrellas; a retention pass: the register's erasures, then each project's consent answers) stopped after an earlier commit landed: the message says in Dutch what is
/// stored and what is missing, the inner exception why the later commit failed. Repeating the same request completes it
/// (docs/operations.md, "A full disk"); the API answers 503 storage-full-partial or partially-stored, never "niets bewaard".
/// A type of its own that Orleans serialises, so the API still recognises it after a grain call.
/// </summary>
[GenerateSerializer, Alias("Warmte.PartiallyStoredException")]
public sealed class PartiallyStoredException : Exception
{
    public PartiallyStoredException(string stored, Exception cause, string? repeat = null) : base(stored, cause) => Repeat = repeat ?? CreatesNothingTwice;

    /// <summary>What the same request again does, after "Herhaal hetzelfde verzoek …;"; a creation's and a join's by default.</summary>
    public const string CreatesNothingTwice = "er wordt niets dubbel aangemaakt.";

    /// <summary>What the same request again does (a retention pass erases nothing twice, it creates nothing).</summary>
    [Id(0)] public string Repeat { get; init; } = CreatesNothingTwice;

    /// <summary>For Orleans' serialiser.</summary>
    public PartiallyStoredException() { }

    /// <summary>Runs a later step of a multi-commit write; its failure becomes a <see cref="PartiallyStoredException"/> saying <paramref name="stored"/>.</summary>
    public static async Task Step(Func<Task> step, Func<string> stored)
    {
        try
        {
            await step();
        }
        catch (Exception cause) when (cause is not PartiallyStoredException)
        {
            throw new PartiallyStoredException(stored(), cause);
        }
    }

    /// <summary>As <see cref="Step(Func{Task}, Func{string})"/>, for a step with an answer.</summary>
    public static async Task<T> Step<T>(Func<Task<T>> step, Func<string> stored, string? repeat = null)
    {
        try
        {
            return await step();
        }
        catch (Exception cause) when (cause is not PartiallyStoredException)
        {
            throw new PartiallyStoredException(stored(), cause, repeat);
        }
    }
}
