namespace Warmte.Client;

/// <summary>
/// <c>warmte completion bash|zsh</c>: a script that makes the shell complete warmte's command lines on Tab. The script
/// asks warmte itself through System.CommandLine's <c>[suggest]</c> directive:
/// <c>warmte "[suggest:CURSOR]" "ARGUMENTS SO FAR"</c> prints the candidates, one per line (the arguments without the
/// program's own name, the cursor as a character position in them), from the same command table as the parser.
/// </summary>
internal static class CompletionCommand
{
    public static IReadOnlyList<string> Shells => CommandLineText.Shells;

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
        context.Out.Write(CommandLineText.CompletionScript(shell, "warmte"));
        return Task.FromResult(WarmteCli.Ok);
    }
}
