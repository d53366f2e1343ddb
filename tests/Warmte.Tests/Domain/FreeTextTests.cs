using Warmte.Common;

namespace Warmte.Tests.Domain;

/// <summary>
/// Tester9b T4: the one rule for free text, as the rules call it (<see cref="Validation"/>): one-line text takes no
/// control character, multi-line text only "\n"; the length cap is checked first and the text comes back trimmed.
/// </summary>
public sealed class FreeTextTests
{
    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\r\nb")]
    [InlineData("a\tb")]
    [InlineData("WG\u0000terrein")]
    [InlineData("\u001b[31mrood")]
    [InlineData("csi\u009b")]
    [InlineData("del\u007f")]
    public void One_line_text_refuses_every_control_character(string text)
    {
        var v = new Validation();
        v.Text("name", text);
        v.OptionalText("technology", text);
        Assert.Equal(["name", "technology"], v.Errors.Select(e => e.Field));
        Assert.All(v.Errors, e => Assert.Equal("bevat een regeleinde of ander stuurteken; geef één regel tekst.", e.Reason));
    }

    [Fact]
    public void Multi_line_text_keeps_line_breaks_and_refuses_the_rest()
    {
        var v = new Validation();
        Assert.Equal("Eerste regel.\n\nDerde regel.", v.OptionalNotes("note", "  Eerste regel.\n\nDerde regel.\n ", 500));
        Assert.Equal("Reden\nmet regels", v.Notes("reason", "Reden\nmet regels", 500));
        Assert.False(v.HasErrors);
        foreach (var bad in new[] { "a\r\nb", "a\tb", "a\u001bb", "a\u0000b", "a\rb" })
        {
            var refused = new Validation();
            refused.OptionalNotes("note", bad, 500);
            Assert.Equal(FreeText.LinesReason, Assert.Single(refused.Errors).Reason);
        }
    }

    [Fact]
    public void Too_long_text_is_named_once_and_ordinary_text_passes()
    {
        var v = new Validation();
        v.Text("name", new string('a', 201) + "\u001b");
        Assert.Equal("is te lang (maximaal 200 tekens).", Assert.Single(v.Errors).Reason);
        var ok = new Validation();
        Assert.Equal("Coöperatie Ketelhuis WG U.A. 🔥", ok.Text("name", " Coöperatie Ketelhuis WG U.A. 🔥 "));
        Assert.Null(ok.OptionalText("technology", "   "));
        Assert.False(ok.HasErrors);
    }
}
