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

    [Theory]
    [InlineData('\u202A', "LEFT-TO-RIGHT EMBEDDING")]
    [InlineData('\u202B', "RIGHT-TO-LEFT EMBEDDING")]
    [InlineData('\u202C', "POP DIRECTIONAL FORMATTING")]
    [InlineData('\u202D', "LEFT-TO-RIGHT OVERRIDE")]
    [InlineData('\u202E', "RIGHT-TO-LEFT OVERRIDE")]
    [InlineData('\u2066', "LEFT-TO-RIGHT ISOLATE")]
    [InlineData('\u2067', "RIGHT-TO-LEFT ISOLATE")]
    [InlineData('\u2068', "FIRST STRONG ISOLATE")]
    [InlineData('\u2069', "POP DIRECTIONAL ISOLATE")]
    public void A_directional_embedding_override_or_isolate_is_refused_in_every_text_naming_the_field_and_the_character(char c, string name)
    {
        var v = new Validation();
        v.Text("name", $"Jan{c}seirV ed");
        v.OptionalText("street", $"{c}Wibautstraat");
        v.Notes("reason", $"regel 1\nregel{c} 2", 500);
        v.OptionalNotes("note", $"x{c}", 500);
        Assert.Equal(["name", "street", "reason", "note"], v.Errors.Select(e => e.Field));
        var code = $"U+{(int)c:X4}";
        Assert.All(v.Errors, e => Assert.StartsWith($"bevat het onzichtbare richtingsteken {code} ({name});", e.Reason));
        Assert.All(v.Errors, e => Assert.DoesNotContain(c, e.Reason)); // the message names it, it does not carry it
    }

    [Theory]
    [InlineData('\u200B', "ZERO WIDTH SPACE")]
    [InlineData('\u2060', "WORD JOINER")]
    [InlineData('\u2063', "INVISIBLE SEPARATOR")]
    [InlineData('\uFEFF', "ZERO WIDTH NO-BREAK SPACE")]
    public void An_invisible_space_or_joiner_that_makes_two_names_look_the_same_is_refused(char c, string name)
    {
        var v = new Validation();
        v.Text("name", $"Jan de{c} Vries");
        Assert.Equal($"bevat het onzichtbare teken U+{(int)c:X4} ({name}); daarmee lijken verschillende namen gelijk. Verwijder het teken.",
            Assert.Single(v.Errors).Reason);
    }

    [Theory]
    [InlineData("\u05D9\u05E2\u05DC \u05DB\u05D4\u05DF")]             // Hebrew: Ya'el Cohen
    [InlineData("\u0641\u0627\u0637\u0645\u0629 \u0627\u0644\u0632\u0647\u0631\u0627\u0621")] // Arabic: Fatima al-Zahra
    [InlineData("\u05D3\u05D9\u05E8\u05D4 12\u200F-\u05D0")]            // Hebrew with a right-to-left mark before the dash
    [InlineData("\u0645\u0631\u06CC\u0645\u200C\u0627\u0644\u0633\u0627\u062F\u0627\u062A")] // Persian with a zero-width non-joiner
    [InlineData("Noor \u200E(\u0646\u0648\u0631)\u200E")]                 // left-to-right marks around a bracketed Arabic name
    [InlineData("Ali\u061C \u0639\u0644\u064A")]                          // Arabic letter mark
    [InlineData("Gezin \U0001F468\u200D\U0001F469\u200D\U0001F467")]       // a zero-width joiner in an emoji sequence
    public void Names_in_right_to_left_scripts_with_their_marks_and_joiners_are_kept_as_written(string text)
    {
        var v = new Validation();
        Assert.Equal(text, v.Text("name", text));
        Assert.False(v.HasErrors, string.Join("; ", v.Errors.Select(e => e.Reason)));
    }
}
