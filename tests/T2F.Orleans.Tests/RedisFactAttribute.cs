using T2F.Samples.Batch.Processes;
using Xunit;

namespace T2F.Orleans.Tests;

/// <summary>
/// A test that starts its own redis-server (the cluster's membership store). Where it is not installed the test is
/// reported as skipped with the command that installs it, except where <c>T2F_REQUIRE_REDIS=1</c> (set by .ci/run,
/// which installs it): there a missing redis-server fails the test instead of skipping it.
/// </summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.Find() is null && Environment.GetEnvironmentVariable("T2F_REQUIRE_REDIS") != "1")
        {
            Skip = $"redis-server is not on PATH: {RedisServer.InstallCommand} (.ci/run does, and sets T2F_REQUIRE_REDIS=1 so the test cannot skip there).";
        }
    }
}
