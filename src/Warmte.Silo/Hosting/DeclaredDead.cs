using System.Runtime.InteropServices;
using Orleans.Runtime;

namespace Warmte.Silo.Hosting;

/// <summary>
/// Orleans' fatal-error handler, for the one fatal error a cluster operator meets in normal life: the other silos wrote
/// this silo Dead in the membership table ("I have been told I am dead, so this silo will stop!"). Orleans' own handler
/// then calls Environment.FailFast: a stack dump and exit 134 (SIGABRT), with no word on why (tester10 T9: a silo whose
/// certificate the peers refused). This one says in Dutch on stderr what happened and the likely cause, then ends the
/// process at once with exit 1. At once, as Orleans does: a silo the cluster counts as dead must not serve another
/// request (its grains live elsewhere now), so there is no graceful shutdown; _exit(2) skips the shutdown handlers as
/// FailFast does, only without the abort. Every other fatal error keeps Orleans' behaviour.
/// </summary>
public sealed class DeclaredDead(ILogger<DeclaredDead> logger, IHostApplicationLifetime lifetime, SiloPorts.Choice ports) : IFatalErrorHandler
{
    /// <summary>The exit code of a silo the cluster declared dead.</summary>
    public const int ExitCode = 1;

    public bool IsUnexpected(Exception exception) => exception is not ThreadAbortException;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
    {
        if (exception is null && IsDeclaredDead(context))
        {
            var text = Message(context!, wasActive: lifetime.ApplicationStarted.IsCancellationRequested, ports.Port,
                Operations.OrleansLogNoise.LastOutgoingTlsFailure);
            logger.LogCritical("{Message}", text);
            Console.Error.WriteLine(text);
            Console.Error.Flush();
            Thread.Sleep(1000); // the console logger writes on its own thread
            if (!OperatingSystem.IsWindows()) Exit(ExitCode);
            Environment.Exit(ExitCode);
            return;
        }
        logger.LogCritical(exception, "Fatal error from {Sender}. Context: {Context}", sender, context);
        Thread.Sleep(1000);
        Environment.FailFast($"FATAL EXCEPTION from {sender}. Context: {context}", exception);
    }

    /// <summary>Orleans' context text when the membership table says this silo is dead.</summary>
    public static bool IsDeclaredDead(string? context) =>
        context is not null && context.StartsWith("I have been told I am dead", StringComparison.Ordinal);

    /// <summary>
    /// The operator's line. A silo that never became active was refused while joining: most likely the others refuse its
    /// certificate (the last refused handshake is named when there was one), or cannot reach its silo port. One that was
    /// active missed the others' probes (a freeze, a network cut).
    /// </summary>
    public static string Message(string context, bool wasActive, int siloPort, string? lastTlsFailure)
    {
        var reason = context.Split("Reason:", 2) is [_, var r] && r.Trim().Length > 0 ? r.Trim() : context;
        // Orleans appends the whole membership table; its first sentence is the reason.
        if (reason.IndexOf(" Membership: [", StringComparison.Ordinal) is var table and > 0) reason = reason[..table].Trim();
        var cause = wasActive
            ? "Deze silo deed mee, maar reageerde niet op tijd op de controles van de andere silo's (bijv. na een bevriezing, een "
              + "overbelaste machine of een netwerkstoring). Start hem opnieuw; dan doet hij weer mee."
            : "Deze silo kon niet meedoen: waarschijnlijk weigeren de andere silo's zijn certificaat (Orleans:Tls:Certificate moet "
              + "zijn uitgegeven door de CA in Orleans:Tls:CaCertificates van de andere silo's), of kunnen ze zijn siloport "
              + $"{siloPort} niet bereiken (Orleans:AdvertisedIP, firewall)."
              + (lastTlsFailure is null ? "" : $" Laatste mislukte TLS-verbinding naar een andere silo: {lastTlsFailure}.");
        return $"Het cluster heeft deze silo dood verklaard; de silo stopt (exit {ExitCode}). {cause} (Orleans: {reason})";
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void Exit(int status);
}
