using Warmte.Tests.Infrastructure;

// Starts the tests' PostgreSQL fixture exactly as a test process does (PostgresServer.GetAsync), prints
// "ready <port> <root>" and waits to be killed; a start that fails prints "failed <message>" and exits with 2.
// Used by PostgresFixtureCleanupTests, which kills this process and checks that the server does not outlive it.
try
{
    var server = await PostgresServer.GetAsync();
    Console.WriteLine($"ready {server.Port} {server.Root}");
}
catch (Exception failure)
{
    Console.WriteLine($"failed {failure.Message.ReplaceLineEndings(" ")}");
    return 2;
}
await Task.Delay(Timeout.Infinite);
return 0;
