using Warmte.Silo.Hosting;

// Without a verb the program runs the service; `token ...`, `backup ...` and `completion ...` are management
// verbs. Help and usage errors are answered before anything starts: see SiloCommandLine.
return await SiloCommandLine.RunAsync(args);
