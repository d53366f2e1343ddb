using System.Security.Cryptography;
using System.Text;

namespace Warmte.Voting;

/// <summary>
/// Personal voting codes and receipt codes: random, typable, unambiguous. A voting code is 80 bits
/// written as 16 Crockford base32 symbols in four groups of four ("7KQ3-M9XD-2HTB-R4VN"); a receipt
/// code is 40 bits, two groups ("K7QD-3MXP"). Crockford's alphabet leaves out I, L, O and U, so
/// what a member reads off paper cannot be typed as another symbol: O is read as 0, I and L as 1,
/// case and spaces and dashes do not matter.
/// </summary>
public static class VotingCodes
{
    /// <summary>Crockford base32: digits and letters without I, L, O, U.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public const int CodeSymbols = 16;   // 16 × 5 = 80 bits

    public const int ReceiptSymbols = 8; // 8 × 5 = 40 bits

    /// <summary>A new voting code (80 bits).</summary>
    public static string NewCode() => Format(RandomSymbols(CodeSymbols));

    /// <summary>A new receipt code (40 bits).</summary>
    public static string NewReceipt() => Format(RandomSymbols(ReceiptSymbols));

    /// <summary>
    /// Symbols from the operating system's cryptographic RNG. This is the one place in the project
    /// where randomness is deliberately NOT seeded or derived from the clock: a code anyone could
    /// reproduce (from a seed, the time or a sequence) would let them vote as someone else.
    /// Each symbol takes 5 bits of a random byte, so every symbol is equally likely.
    /// </summary>
    private static string RandomSymbols(int count)
    {
        Span<byte> bytes = stackalloc byte[count];
        RandomNumberGenerator.Fill(bytes);
        var chars = new char[count];
        for (var i = 0; i < count; i++) chars[i] = Alphabet[bytes[i] & 31];
        return new string(chars);
    }

    /// <summary>
    /// The receipt of an online vote sent with a submission attempt (nonce): 40 bits of a keyed hash
    /// (the codes' key, Voting:CodeKey) of the member's code hash, the meeting, proposal, voter and
    /// nonce. The same attempt resent after a lost answer gives the same receipt, which is how the
    /// ALV recognises the retry of a secret ballot without any row naming the member's receipt; the
    /// nonce is kept nowhere, so the database (even with the key) cannot rebuild a member's receipt.
    /// </summary>
    public static string ReceiptFor(IVotingCodeHasher hasher, string codeHash, string votingKey, string proposalId, string voter, string nonce)
    {
        var hex = hasher.Hash($"receipt|{codeHash}|{votingKey}|{proposalId}|{voter}|{nonce}");
        var chars = new char[ReceiptSymbols];
        for (var i = 0; i < ReceiptSymbols; i++) chars[i] = Alphabet[Convert.ToByte(hex.Substring(2 * i, 2), 16) & 31];
        return Format(new string(chars));
    }

    /// <summary>A submission attempt's nonce: 16 to 64 letters, digits, '-' or '_' (the page sends 22: 128 random bits, base64url).</summary>
    public static bool IsNonce(string? nonce) =>
        nonce is { Length: >= 16 and <= 64 } && nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>"ABCDEFGH..." in groups of four joined by dashes.</summary>
    public static string Format(string symbols)
    {
        var sb = new StringBuilder(symbols.Length + symbols.Length / 4);
        for (var i = 0; i < symbols.Length; i++)
        {
            if (i > 0 && i % 4 == 0) sb.Append('-');
            sb.Append(symbols[i]);
        }
        return sb.ToString();
    }

    /// <summary>A typed or pasted voting code in its canonical form, or null when it cannot be one.</summary>
    public static string? ParseCode(string? text) => Parse(text, CodeSymbols);

    /// <summary>A typed receipt code in its canonical form, or null.</summary>
    public static string? ParseReceipt(string? text) => Parse(text, ReceiptSymbols);

    /// <summary>
    /// Tolerant reading: upper or lower case, spaces, dashes (or none), a leading '#' from the link,
    /// O for 0 and I or L for 1. Anything else (U, punctuation, a wrong length) is not a code.
    /// </summary>
    private static string? Parse(string? text, int symbols)
    {
        if (text is null || text.Length > 4 * symbols) return null;
        var sb = new StringBuilder(symbols);
        foreach (var raw in text.Trim().TrimStart('#'))
        {
            if (raw is ' ' or '-' or '\t' or '\u00A0' or '\u2010' or '\u2011' or '\u2013') continue;
            var c = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var other => other,
            };
            if (Alphabet.IndexOf(c) < 0) return null;
            sb.Append(c);
        }
        return sb.Length == symbols ? Format(sb.ToString()) : null;
    }
}

/// <summary>
/// Codes are stored only as a keyed hash (HMAC-SHA256 with a key the silo keeps outside the
/// database, Voting:CodeKey), so neither the database nor a backup of it holds a usable code.
/// </summary>
public interface IVotingCodeHasher
{
    /// <summary>The stored form of a canonical code: lowercase hex.</summary>
    string Hash(string canonicalCode);
}

public sealed class HmacVotingCodeHasher : IVotingCodeHasher
{
    private readonly byte[] _key;

    public HmacVotingCodeHasher(byte[] key)
    {
        if (key.Length < 32) throw new ArgumentException("The voting-code key must be at least 32 bytes.", nameof(key));
        _key = [.. key];
    }

    public string Hash(string canonicalCode) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(canonicalCode)));
}
