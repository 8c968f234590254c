using T2F.Samples.Batch;
using Xunit;

namespace T2F.Orleans.Tests;

/// <summary>The cluster verbs of samples/T2F.Batch refuse bad input with exit code 2 before starting anything.</summary>
public class SampleVerbTests
{
    [Theory]
    [InlineData("silo")]
    [InlineData("silo", "--redis", "localhost")]
    [InlineData("silo", "--redis", "localhost:0")]
    [InlineData("silo", "--redis", "localhost:6379", "--address", "not-an-ip")]
    [InlineData("silo", "--redis", "localhost:6379", "--model", "/no/such/bundle")]
    [InlineData("silo", "--redis", "localhost:6379", "--threads", "0")]
    [InlineData("submit", "--redis", "localhost:6379", "--out", "/tmp/x")]
    [InlineData("submit", "--synthfaces", "4", "--out", "/tmp/x")]
    [InlineData("submit", "--redis", "localhost:6379", "--synthfaces", "4", "--out", "/tmp/x", "--lease-seconds", "0")]
    [InlineData("demo-cluster", "--silos", "0", "--synthfaces", "4", "--out", "/tmp/x")]
    [InlineData("demo-cluster", "--silos", "17", "--synthfaces", "4", "--out", "/tmp/x")]
    [InlineData("demo-cluster", "--silos", "2", "--synthfaces", "4")]
    [InlineData("demo-cluster", "--silos", "2", "--spec", "/no/such/job.jsonl", "--out", "/tmp/x")]
    [InlineData("demo-cluster", "--silos", "2", "--synthfaces", "4", "--out", "/tmp/x", "--colour", "red")]
    public void BadInputExitsWithCode2(params string[] args)
    {
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, Program.Main(args));
        }
        finally
        {
            Console.SetError(saved);
        }

        string message = error.ToString().TrimEnd();
        Assert.StartsWith("error: ", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }
}
