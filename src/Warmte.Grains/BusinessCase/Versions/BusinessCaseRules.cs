using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Model;
using Warmte.Common;

namespace Warmte.BusinessCase.Versions;

/// <summary>Saving a model version: it must read and evaluate as a whole; its KPIs are kept with it.</summary>
public static class BusinessCaseRules
{
    public const int MaxVersions = 500;
    public const int MaxModelBytes = 512 * 1024;

    public static Outcome<BusinessCaseVersion> Save(int nextVersion, string? modelJson, string? note, string actor, Instant now)
    {
        if (string.IsNullOrWhiteSpace(modelJson)) return Refusal.Invalid("model", "is verplicht.");
        if (modelJson.Length > MaxModelBytes) return Refusal.Invalid("model", $"is te groot (maximaal {MaxModelBytes / 1024} kB).");
        if (nextVersion > MaxVersions) return Refusal.Conflict("too-many-versions", $"Een project bewaart maximaal {MaxVersions} versies.");
        var read = ModelReader.Read(modelJson);
        if (!read.IsOk)
            return Refusal.Invalid(read.Refusal!.Errors.Select(e => e with { Field = "model." + e.Field }));
        var v = new Validation();
        var trimmedNote = v.OptionalNotes("note", note, 1000);
        if (v.HasErrors) return v.ToRefusal();
        var inputs = read.Value!;
        var kpis = BusinessCaseEngine.Evaluate(inputs).Kpis;
        return Outcome<BusinessCaseVersion>.Ok(new BusinessCaseVersion
        {
            Version = nextVersion, Name = inputs.Name, Note = trimmedNote, SavedBy = actor, SavedAt = now,
            ModelJson = Compact(modelJson), Kpis = KpiSummary.Of(inputs, kpis),
        });
    }

    /// <summary>
    /// Warnings with a saved version, in Dutch (tester T12): a model whose woningequivalenten differ from the project's was
    /// saved without a word, and the project workbook then showed 420 at the top and 1500 in the business case. A warning,
    /// not a refusal: a board may model a larger or smaller network on purpose (a later phase, a variant), and only it
    /// knows which of the two numbers is right.
    /// </summary>
    public static ImmutableArray<string> Warnings(string projectId, int projectWoningequivalenten, int modelWoningequivalenten) =>
        projectWoningequivalenten == modelWoningequivalenten ? [] :
        [
            $"Let op: dit model rekent met {DutchFormat.Number(modelWoningequivalenten)} woningequivalenten, project {projectId} heeft er "
            + (projectWoningequivalenten == 0 ? "geen vastgelegd (0)" : DutchFormat.Number(projectWoningequivalenten))
            + ". Klopt het model bij dit project? Pas anders het model aan (revenues.woningequivalenten) of het project "
            + $"(PATCH /api/projects/{projectId} met woningequivalenten).",
        ];

    /// <summary>Stored compactly but with every key and comment-free, so the saved file is exactly what was evaluated.</summary>
    private static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return JsonSerializer.Serialize(document.RootElement);
    }
}
