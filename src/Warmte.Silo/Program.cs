using Warmte.Silo.Auth;
using Warmte.Silo.Hosting;

// `warmte-silo token ...` manages API tokens directly in the database; anything else runs the service.
if (args.Length > 0 && args[0] == "token")
    return await TokenCommand.RunAsync(args[1..]);
// `warmte-silo backup --to FILE` copies the embedded SQLite database while the silo runs.
if (args.Length > 0 && args[0] == "backup")
    return await Warmte.Silo.Storage.BackupCommand.RunAsync(args[1..]);

var app = await WarmteHost.BuildAsync(args);
await app.RunAsync();
return 0;
