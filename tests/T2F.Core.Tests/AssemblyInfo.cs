using Xunit;

// Test classes run in parallel, one per core (xunit's default). Op settings are scoped (OpSettings.Use, an AsyncLocal),
// so they need no serialisation; the classes that share process-wide state run alone, after the others, in the
// ProcessWideStateCollection (TestSupport/ProcessWideStateCollection.cs), and libtorch runs one intra-op thread per test
// thread (TestSupport/LibTorchThreads.cs).
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, DisableTestParallelization = false)]
