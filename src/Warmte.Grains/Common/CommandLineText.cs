namespace Warmte;

/// <summary>
/// Text both command-line programs (the silo and <c>warmte</c>) write the same way: the two-column
/// layout of their Dutch help, and the shell script for tab completion. Here because both reference
/// this assembly; neither needs System.CommandLine for it.
/// </summary>
public static class CommandLineText
{
    /// <summary>The shells <see cref="CompletionScript"/> writes for.</summary>
    public static readonly string[] Shells = ["bash", "zsh"];

    /// <summary>
    /// Rows of "left  right" with the right column wrapped to 78 characters; a left side wider than
    /// the column gets a line of its own. <paramref name="leftWidth"/> fixes the column (default: widest + 2,
    /// at most <paramref name="maxLeftWidth"/>).
    /// </summary>
    public static void WriteRows(IEnumerable<(string Left, string Right)> rows, TextWriter output, int? leftWidth = null, int maxLeftWidth = int.MaxValue)
    {
        var list = rows.ToList();
        if (list.Count == 0) return;
        var width = leftWidth ?? Math.Min(maxLeftWidth, list.Max(r => r.Left.Length) + 2);
        foreach (var (left, right) in list)
        {
            var lines = Wrap(right, Math.Max(30, 78 - width - 2)).ToList();
            if (left.Length + 2 > width)
            {
                output.WriteLine("  " + left);
                foreach (var line in lines) output.WriteLine("  " + new string(' ', width) + line);
                continue;
            }
            output.WriteLine("  " + left.PadRight(width) + lines[0]);
            foreach (var more in lines.Skip(1)) output.WriteLine("  " + new string(' ', width) + more);
        }
    }

    /// <summary>Greedy word wrap to lines of at most <paramref name="width"/> characters (longer words stay whole).</summary>
    public static IEnumerable<string> Wrap(string text, int width)
    {
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line;
                line = word;
            }
            else line = line.Length == 0 ? word : line + " " + word;
        }
        yield return line;
    }

    /// <summary>
    /// A script that asks <paramref name="program"/> itself for completions through System.CommandLine's
    /// <c>[suggest]</c> directive (<c>program "[suggest:CURSOR]" "COMMAND LINE"</c> prints the candidates, one
    /// per line), so it always completes the installed version's commands. zsh loads it through bashcompinit.
    /// </summary>
    public static string CompletionScript(string shell, string program)
    {
        var function = "_" + new string(program.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()) + "_complete";
        var bash = $$"""
            # Tab completion for {{program}} (bash). Load it with:  source <({{program}} completion bash)
            {{function}}() {
                local IFS=$'\n'
                # The command line up to the cursor, without the program as typed; the program parses it and answers.
                local line="${COMP_LINE:0:COMP_POINT}"
                line="${line#"${COMP_WORDS[0]}"}"
                local candidates
                candidates=$("${COMP_WORDS[0]}" "[suggest:${#line}]" "${line}" 2>/dev/null) || return 0
                COMPREPLY=( $(compgen -W "${candidates}" -- "${COMP_WORDS[COMP_CWORD]}") )
            }
            complete -o default -F {{function}} {{program}}

            """;
        return shell switch
        {
            "bash" => bash,
            "zsh" => $"# Tab completion for {program} (zsh, through bash completion). Load it with:  source <({program} completion zsh)\n"
                     + "autoload -U +X bashcompinit && bashcompinit\n" + bash,
            _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "unknown shell"),
        };
    }
}
