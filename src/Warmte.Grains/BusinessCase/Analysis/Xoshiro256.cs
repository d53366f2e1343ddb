namespace Warmte.BusinessCase.Analysis;

/// <summary>
/// The Monte Carlo's random numbers: xoshiro256** (Blackman and Vigna, 2018), its state filled by
/// SplitMix64 from one 64-bit key. Written out here instead of System.Random so that the same key gives
/// the same numbers in every process, on every machine and in every .NET version (System.Random's
/// algorithm is not a documented contract, and seeding it from HashCode differed per process).
/// Only integer operations: nothing here depends on the floating-point unit.
/// </summary>
public struct Xoshiro256
{
    /// <summary>2^53: uniform numbers are multiples of 2^−53 in [0, 1).</summary>
    public const long UnitSteps = 1L << 53;

    private ulong _s0, _s1, _s2, _s3;

    /// <summary>The generator for one Monte Carlo run: its numbers depend on (seed, run) only, never on which thread runs it.</summary>
    public static Xoshiro256 ForRun(int seed, int run) => new(((ulong)(uint)seed << 32) | (uint)run);

    public Xoshiro256(ulong key)
    {
        // SplitMix64 (Steele, Lea and Flood; Vigna's reference constants): four outputs of the stream that
        // starts at the mixed key. Mixing first keeps neighbouring keys (run 1, run 2) apart.
        var state = Mix(key);
        _s0 = SplitMix(ref state);
        _s1 = SplitMix(ref state);
        _s2 = SplitMix(ref state);
        _s3 = SplitMix(ref state);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1; // the one state xoshiro cannot leave
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer k in [0, 2^53): the unit number is k / 2^53.</summary>
    public long NextUnitSteps() => (long)(NextUInt64() >> 11);

    /// <summary>Uniform in [0, 1) as a decimal: k / 2^53, the division exact to decimal's 28 digits.</summary>
    public decimal NextUnit() => NextUnitSteps() / (decimal)UnitSteps;

    private static ulong SplitMix(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
