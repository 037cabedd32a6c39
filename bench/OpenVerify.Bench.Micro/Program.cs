using BenchmarkDotNet.Running;

// Examples: --filter '*' --job short --inProcess   (see docs/benchmarks.md)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
