using Xunit;

// OpSettings.Backend is process-wide and libtorch already uses both cores: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
