using System.Text.Json;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.BusinessCase.Versions;

/// <summary>The business-case grain's state as Orleans' grain storage held it before the journal (state name "businesscase").</summary>
public sealed class LegacyBusinessCaseState
{
    public List<BusinessCaseVersion> Versions { get; set; } = [];
}

/// <summary>
/// Moves an old business-case row into the journal: every version becomes its two journal rows
/// (<see cref="BusinessCaseGrain.Entries"/>, in version order), the snapshot keeps the count and the
/// latest version without its model. Pure.
/// </summary>
public static class BusinessCaseUpgrade
{
    public static UpgradedGrain From(string legacyJson)
    {
        var old = JsonSerializer.Deserialize<LegacyBusinessCaseState>(legacyJson, WarmteJson.Default) ?? new LegacyBusinessCaseState();
        var versions = old.Versions.OrderBy(v => v.Version).ToList();
        var state = new BusinessCaseState
        {
            Count = versions.Count == 0 ? 0 : versions[^1].Version,
            Latest = versions.Count == 0 ? null : BusinessCaseVersionInfo.Of(versions[^1]),
        };
        return new UpgradedGrain(JsonSerializer.Serialize(state, WarmteJson.Default), [.. versions.SelectMany(BusinessCaseGrain.Entries)], []);
    }
}
