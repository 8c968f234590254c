namespace T2F.Samples.Shared;

/// <summary>
/// A usage error that only the program can see, after System.CommandLine has parsed the options: a check across
/// options (exactly one of --spec and --synthfaces), or an input the command line names that turns out unusable (a
/// job file with a bad line). <see cref="SampleCommandLine.Invoke"/> prints it like a parse error, one line, exit 2.
/// </summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
