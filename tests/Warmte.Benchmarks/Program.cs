using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Warmte.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Warmte.Benchmarks.BusinessCaseBenchmarks).Assembly).Run(args);
