using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.Voting;

/// <summary>How a batch of voting codes reached the members: what tells a mailing apart from a download in the trail (tester10 T7).</summary>
[GenerateSerializer]
public enum IssueChannel
{
    /// <summary><c>…/online/codes</c> as json or xlsx: the board hands the codes on itself (mail merge).</summary>
    Downloaded,

    /// <summary><c>…/online/codes?format=letters</c>: printed letters.</summary>
    Letter,

    /// <summary><c>…/online/mail</c>: the silo mailed each member.</summary>
    Mailed,
}

/// <summary>
/// An online-voting audit row's payload: <see cref="Common.AuditFact"/>'s two fields (any reader of audit rows still reads
/// it) plus the channel of issued codes and <see cref="Public"/>, the same sentence without member numbers, for every role
/// other than the cooperative's own board and admins (as the ALV's "niet meegeteld" notes, tester9b T1).
/// </summary>
public sealed record OnlineAuditFact(string Action, string Summary, string? Channel, string? Public);

/// <summary>One line of the online-voting trail as the API shows it; <see cref="Channel"/> only on lines about issued or mailed codes.</summary>
[GenerateSerializer, Immutable]
public sealed record OnlineAuditEntry(
    [property: Id(0)] Instant At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string Action,
    [property: Id(3)] string? Channel,
    [property: Id(4)] string Summary);

/// <summary>A page of the online-voting trail, newest first (paged like every other audit read).</summary>
[GenerateSerializer, Immutable]
public sealed record OnlineAuditPage(
    [property: Id(0)] int Page,
    [property: Id(1)] int PageSize,
    [property: Id(2)] int Total,
    [property: Id(3)] bool WithMemberNumbers,
    [property: Id(4)] ImmutableArray<OnlineAuditEntry> Entries);

public static class OnlineAudit
{
    /// <summary>Said in place of member numbers for other roles, so a reader knows the details exist.</summary>
    public const string MembersForBoardOnly = "lidnummers alleen voor het bestuur van de coöperatie";

    /// <summary>Actions whose sentence never names a member; rows written before <see cref="OnlineAuditFact.Public"/> existed show them to everyone.</summary>
    private static readonly ImmutableHashSet<string> WithoutMembers =
        ["online.opened", "online.closed", "online.moved", "online.cancelled"];

    public static string ChannelName(IssueChannel channel) => channel switch
    {
        IssueChannel.Mailed => "mailed",
        IssueChannel.Letter => "letter",
        _ => "downloaded",
    };

    /// <summary>The channel in the trail's Dutch sentences.</summary>
    public static string ChannelWords(IssueChannel channel) => channel switch
    {
        IssueChannel.Mailed => "per mail",
        IssueChannel.Letter => "als brief",
        _ => "als download (json of xlsx)",
    };

    /// <summary>"3 leden: M-1, M-2, M-3" for the board; "3 leden (lidnummers alleen …)" for others.</summary>
    public static (string Board, string Public) Members(IReadOnlyCollection<string> numbers)
    {
        var count = $"{numbers.Count} {DutchFormat.Noun(numbers.Count, "lid", "leden")}";
        return ($"{count}: {string.Join(", ", numbers)}", $"{count} ({MembersForBoardOnly})");
    }

    public static JournalAppend Row(Instant at, string actor, string action, string summary, string? publicSummary = null, IssueChannel? channel = null) =>
        new(Common.RecordStateExtensions.AuditKind, null, at, actor,
            JsonSerializer.Serialize(new OnlineAuditFact(action, summary, channel is { } c ? ChannelName(c) : null, publicSummary ?? summary), WarmteJson.Default));

    /// <summary>
    /// A stored row as <paramref name="withMembers"/> may read it: the own board and admins the whole sentence, others the
    /// sentence without member numbers; an older row without one shows only its action to them unless it never names a member.
    /// </summary>
    public static OnlineAuditEntry Read(JournalRecord record, bool withMembers)
    {
        var fact = JsonSerializer.Deserialize<OnlineAuditFact>(record.Payload, WarmteJson.Default)!;
        var summary = withMembers ? fact.Summary
            : fact.Public ?? (WithoutMembers.Contains(fact.Action) ? fact.Summary : $"Details: {MembersForBoardOnly}.");
        return new OnlineAuditEntry(record.At, record.Actor ?? "", fact.Action, fact.Channel, summary);
    }
}
