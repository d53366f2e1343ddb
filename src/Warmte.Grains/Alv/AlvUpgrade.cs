using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.Alv;

/// <summary>
/// Moves the ALV history out of the snapshot (issue 15): an <c>alv</c> record as release ba5f89c and
/// older stored it kept every ballot, tally and attendance list inside. Each becomes journal rows
/// (<see cref="AlvFacts"/>) and the snapshot keeps the running figures (<see cref="ProposalCount"/>,
/// <see cref="Meeting.PresentCount"/>), computed so that closing gives exactly the result it gave before.
/// Pure; the silo's journal upgrade writes the result in one transaction per cooperative.
/// </summary>
public static class AlvUpgrade
{
    /// <summary>True when the state still holds history in the old places.</summary>
    public static bool HasHistory(AlvRecord? record) =>
        record is not null && record.Meetings.Any(m => !m.Present.IsEmpty || m.Proposals.Any(p => !p.Ballots.IsEmpty || p.Tally is not null));

    /// <summary>The snapshot without history and the facts that now hold it (in order: attendance, then per proposal ballots and tally).</summary>
    public static (RecordState<AlvRecord> State, ImmutableArray<JournalAppend> Facts) Split(RecordState<AlvRecord> state)
    {
        if (!HasHistory(state.Record)) return (state, []);
        var facts = ImmutableArray.CreateBuilder<JournalAppend>();
        var meetings = ImmutableArray.CreateBuilder<Meeting>();
        foreach (var m in state.Record!.Meetings)
        {
            var at = state.LastChangeAt ?? m.CreatedAt;
            foreach (var n in m.Present)
            {
                facts.Add(AlvFacts.Entry(AlvFacts.Attendance, m.Id, at, null, new AttendanceFact(n)));
                facts.Add(AlvFacts.Entry(AlvFacts.PresentMark, AlvFacts.PresentTag(m.Id, n), at, null, new AttendanceFact(n)));
            }
            var present = m.Present.ToHashSet();
            var proposals = ImmutableArray.CreateBuilder<Proposal>();
            foreach (var p in m.Proposals)
            {
                var count = p.Count;
                foreach (var b in p.Ballots)
                {
                    facts.Add(AlvFacts.Entry(AlvFacts.Ballot, AlvFacts.Tag(m.Id, p.Id), b.RecordedAt, b.RecordedBy, new BallotFact
                    {
                        MemberNumber = b.MemberNumber, Choice = b.Choice, ProxyHolder = b.ProxyHolder, Weight = b.Weight,
                        Channel = BallotChannel.Meeting, Counted = true, RecordedBy = b.RecordedBy, RecordedAt = b.RecordedAt,
                    }));
                    facts.Add(AlvFacts.Entry(AlvFacts.VoterMark, AlvFacts.Tag(m.Id, p.Id, b.MemberNumber), b.RecordedAt, b.RecordedBy,
                        new VoterMarkFact { Channel = BallotChannel.Meeting, Counted = true, ProxyHolder = b.ProxyHolder, Choice = b.Choice }));
                    if (b.ProxyHolder is { } holder)
                        facts.Add(AlvFacts.Entry(AlvFacts.ProxyMark, AlvFacts.Tag(m.Id, p.Id, holder), b.RecordedAt, b.RecordedBy, new ProxyMarkFact(b.MemberNumber, true)));
                }
                if (!p.Ballots.IsEmpty)
                {
                    var totals = p.Ballots.Aggregate(count.Totals, (sum, b) => sum.Add(b.Choice, b.Weight));
                    var counted = p.Ballots.SelectMany(b => b.ProxyHolder is null ? [b.MemberNumber] : new[] { b.MemberNumber, b.ProxyHolder }).Distinct();
                    count = count with
                    {
                        For = totals.For, Against = totals.Against, Abstain = totals.Abstain,
                        Ballots = count.Ballots + p.Ballots.Length, AtMeeting = count.AtMeeting + p.Ballots.Length,
                        ByProxy = count.ByProxy + p.Ballots.Count(b => b.ProxyHolder is not null),
                        Extra = counted.Count(n => !present.Contains(n)),
                    };
                }
                if (p.Tally is { } t)
                {
                    var version = count.TallyVersion + 1;
                    facts.Add(AlvFacts.Entry(AlvFacts.Tally, AlvFacts.Tag(m.Id, p.Id), t.RecordedAt, t.RecordedBy, new TallyFact { Tally = t, Version = version }));
                    foreach (var n in t.Present)
                        facts.Add(AlvFacts.Entry(AlvFacts.VoterMark, AlvFacts.Tag(m.Id, p.Id, n), t.RecordedAt, t.RecordedBy,
                            new VoterMarkFact { Channel = BallotChannel.Tally, Counted = true, TallyVersion = version }));
                    foreach (var x in t.Proxies)
                        facts.Add(AlvFacts.Entry(AlvFacts.VoterMark, AlvFacts.Tag(m.Id, p.Id, x.Member), t.RecordedAt, t.RecordedBy,
                            new VoterMarkFact { Channel = BallotChannel.Tally, Counted = true, ProxyHolder = x.Holder, TallyVersion = version }));
                    count = count with
                    {
                        TallyVersion = version,
                        Tally = new TallySummary
                        {
                            For = t.For, Against = t.Against, Abstain = t.Abstain, PresentCount = t.Present.Concat(t.Proxies.Select(x => x.Member)).Distinct().Count() - t.Proxies.Length,
                            ProxyCount = t.Proxies.Length, RecordedBy = t.RecordedBy, RecordedAt = t.RecordedAt,
                        },
                    };
                }
                proposals.Add(p with { Ballots = [], Tally = null, Count = count });
            }
            meetings.Add(m with { Present = [], PresentCount = m.PresentCount + m.Present.Length, Proposals = proposals.ToImmutable() });
        }
        return (state with { Record = state.Record with { Meetings = meetings.ToImmutable() } }, facts.ToImmutable());
    }

    /// <summary>A journal snapshot's state JSON split; null when it holds no history in the old places.</summary>
    public static (string State, ImmutableArray<JournalAppend> Facts)? SplitJson(string stateJson)
    {
        var state = JsonSerializer.Deserialize<RecordState<AlvRecord>>(stateJson, WarmteJson.Default) ?? new RecordState<AlvRecord>();
        if (!HasHistory(state.Record)) return null;
        var (split, facts) = Split(state);
        return (JsonSerializer.Serialize(split, WarmteJson.Default), facts);
    }

    /// <summary>An old Orleans grain-storage row (pre-journal): the record upgrade, then the history out of the snapshot.</summary>
    public static UpgradedGrain From(string legacyJson)
    {
        var upgraded = RecordUpgrade.From<AlvRecord>(legacyJson);
        return SplitJson(upgraded.State) is { } split
            ? new UpgradedGrain(split.State, [.. upgraded.Entries, .. split.Facts], upgraded.Keys)
            : upgraded;
    }
}
