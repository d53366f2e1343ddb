namespace Warmte.Client;

/// <summary>
/// <c>warmte completion bash|zsh</c>: a script that makes the shell complete warmte's command lines on Tab. The script
/// asks warmte itself through System.CommandLine's <c>[suggest]</c> directive:
/// <c>warmte "[suggest:CURSOR]" "ARGUMENTS SO FAR"</c> prints the candidates, one per line (the arguments without the
/// program's own name, the cursor as a character position in them), from the same command table as the parser.
/// </summary>
internal static class CompletionCommand
{
    public static readonly IReadOnlyList<string> Shells = ["bash", "zsh"];

    public static readonly CommandSpec Completion = new(
        "completion",
        "Aanvullen met Tab in de shell (bash, zsh)",
        "Toont een script waarmee de shell opdrachten, opties en waarden van warmte aanvult als u op Tab drukt. "
        + "Laad het in de huidige shell met source, of zet die regel in ~/.bashrc (bash) of ~/.zshrc (zsh). "
        + "warmte moet daarvoor als programma op het zoekpad (PATH) staan, niet als alias.",
        [new ArgumentSpec("shell", "de shell: bash of zsh") { Suggestions = Shells }],
        [],
        ["source <(warmte completion bash)", "echo 'source <(warmte completion zsh)' >> ~/.zshrc"],
        Run) { Offline = true };

    private static Task<int> Run(CommandContext context)
    {
        var shell = context.Argument(0).ToLowerInvariant();
        if (!Shells.Contains(shell))
            throw new UsageException($"Onbekende shell '{Tokens.Shorten(shell)}'; kies uit: {string.Join(", ", Shells)}.", Completion);
        context.Out.Write(Script(shell, "warmte"));
        return Task.FromResult(WarmteCli.Ok);
    }

    internal static string Script(string shell, string program)
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
        return shell == "zsh"
            ? $"# Tab completion for {program} (zsh, through bash completion). Load it with:  source <({program} completion zsh)\n"
              + "autoload -U +X bashcompinit && bashcompinit\n" + bash
            : bash;
    }
}
