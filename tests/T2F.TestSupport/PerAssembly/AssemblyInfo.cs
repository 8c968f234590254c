using Xunit;

// Compiled into every test assembly (each test project links tests/T2F.TestSupport/PerAssembly/*.cs): xunit reads this
// attribute from the test assembly itself. Test classes run in parallel, one per core (xunit's default). Op settings
// are scoped (OpSettings.Use, an AsyncLocal), so they need no serialisation; the classes that share process-wide state
// run alone, after the others, in the ProcessWideStateCollection (PerAssembly/ProcessWideStateCollection.cs), and
// libtorch runs one intra-op thread per test thread (PerAssembly/LibTorchThreads.cs).
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, DisableTestParallelization = false)]
