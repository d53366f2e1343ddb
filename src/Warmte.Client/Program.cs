using System.Collections;
using System.Text;
using Warmte.Client;

// Everything happens in WarmteCli so tests can run the same code in-process.
try
{
    Console.OutputEncoding = Encoding.UTF8;
}
catch (IOException)
{
    // Some consoles refuse an encoding change; the default encoding still works, with plainer characters.
}

var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
    environment[(string)entry.Key] = entry.Value as string;

return await WarmteCli.RunAsync(args, Console.Out, Console.Error, environment);
