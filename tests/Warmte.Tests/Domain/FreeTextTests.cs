using Warmte.Common;

namespace Warmte.Tests.Domain;

/// <summary>
/// Tester9b T4 and review18 #1: the one rule for free text, as the rules call it (<see cref="Validation"/>): what
/// people really write is normalised (one-line text: runs of spaces, tabs and line breaks become one space; multi-line
/// text: "\r\n" and "\r" become "\n", a tab a space), every other control character is refused; the length cap is
/// checked first on the normalised text, which is what comes back.
/// </summary>
public sealed class FreeTextTests
{
    [Theory]
    [InlineData("WG\u0000terrein")]
    [InlineData("\u001b[31mrood")]
    [InlineData("csi\u009b")]
    [InlineData("del\u007f")]
    [InlineData("vt\u000bregel")]
    [InlineData("lone\u0085nel")]
    public void One_line_text_refuses_every_other_control_character(string text)
    {
        var v = new Validation();
        v.Text("name", text);
        v.OptionalText("technology", text);
        Assert.Equal(["name", "technology"], v.Errors.Select(e => e.Field));
        Assert.All(v.Errors, e => Assert.Equal("bevat een stuurteken (zoals een escape- of nulteken); geef gewone tekst.", e.Reason));
    }

    [Theory]
    [InlineData("J. de Vries\nM. Jansen", "J. de Vries M. Jansen")] // Alt+Enter in a spreadsheet cell
    [InlineData("J. de Vries\r\nM. Jansen", "J. de Vries M. Jansen")]
    [InlineData("Wibautstraat\t14", "Wibautstraat 14")] // a tab pasted into a cell
    [InlineData(" Eerste \t\r\n  Helmersstraat\r", "Eerste Helmersstraat")]
    [InlineData("a\rb", "a b")]
    public void One_line_text_has_line_breaks_and_tabs_made_one_space(string text, string stored)
    {
        var v = new Validation();
        Assert.Equal(stored, v.Text("name", text));
        Assert.Equal(stored, v.OptionalText("technology", text));
        Assert.False(v.HasErrors);
    }

    [Fact]
    public void Multi_line_text_keeps_line_breaks_normalises_windows_line_ends_and_tabs_and_refuses_the_rest()
    {
        var v = new Validation();
        Assert.Equal("Eerste regel.\n\nDerde regel.", v.OptionalNotes("note", "  Eerste regel.\n\nDerde regel.\n ", 500));
        Assert.Equal("Reden\nmet regels", v.Notes("reason", "Reden\nmet regels", 500));
        Assert.Equal("Windows\nregel\nen oude Mac", v.Notes("reason", "Windows\r\nregel\ren oude Mac\r\n", 500));
        Assert.Equal("kolom a kolom b", v.OptionalNotes("note", "kolom a\tkolom b", 500));
        Assert.False(v.HasErrors);
        foreach (var bad in new[] { "a\u001bb", "a\u0000b", "a\u0007b", "a\u009bb" })
        {
            var refused = new Validation();
            refused.OptionalNotes("note", bad, 500);
            var reason = Assert.Single(refused.Errors).Reason;
            Assert.Equal("bevat een stuurteken (zoals een escape- of nulteken); alleen gewone tekst en regeleinden zijn toegestaan.", reason);
            Assert.DoesNotContain("\\r", reason);
        }
    }

    [Fact]
    public void The_length_cap_applies_to_the_normalised_text()
    {
        var v = new Validation();
        // 198 letters with a Windows line end in between: 200 characters as sent, 199 as stored.
        Assert.Equal(199, v.Notes("reason", new string('a', 99) + "\r\n" + new string('b', 99), 199).Length);
        Assert.False(v.HasErrors);
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
