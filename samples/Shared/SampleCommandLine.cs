using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace T2F.Samples.Shared;

/// <summary>
/// How every sample runs its command line (System.CommandLine): the root command, generated <c>--help</c> for the
/// program and each verb, and one error contract. A usage error (an unknown option or verb, a missing required option,
/// a value that does not parse or is out of range, a <see cref="UsageException"/> from the action) prints ONE line on
/// stderr, <c>error: PROBLEM See 'PROGRAM VERB --help'.</c>, and exits with <see cref="UsageExitCode"/>; scripts and
/// tests rely on both. Any other exception of an action propagates unchanged, so that each program keeps its own
/// exit codes for failures that are not the command line's fault (1: a file that cannot be read, a run that fails).
/// </summary>
internal static class SampleCommandLine
{
    /// <summary>The exit code of a usage error, in every sample.</summary>
    public const int UsageExitCode = 2;

    /// <summary>
    /// A root command with <paramref name="options"/> that names itself <paramref name="name"/> in help and errors.
    /// Without the name it would take the running executable's (<c>testhost</c> when a test calls <c>Program.Main</c>).
    /// </summary>
    public static RootCommand CreateRoot(string name, string description, params Option[] options)
    {
        var root = new RootCommand(description) { HelpName = name };
        foreach (var option in options)
        {
            root.Options.Add(option);
        }

        return root;
    }

    /// <summary>
    /// <c>PROGRAM help</c> prints the same help as <c>PROGRAM --help</c>: the verb-based samples took <c>help</c> as a
    /// first argument before System.CommandLine, and scripts may still pass it. Hidden from the help itself.
    /// </summary>
    public static void AddHelpVerb(RootCommand root)
    {
        var help = new Command("help", "Show help and usage information") { Hidden = true };
        help.SetAction(_ => root.Parse(["--help"]).Invoke());
        root.Subcommands.Add(help);
    }

    /// <summary>
    /// Parses <paramref name="args"/> and runs the chosen command's action. Returns its exit code, or
    /// <see cref="UsageExitCode"/> after one line on stderr for a usage error, including an exception of the action
    /// that is a <see cref="UsageException"/> or that <paramref name="isUsageError"/> accepts.
    /// </summary>
    public static int Invoke(RootCommand root, IReadOnlyList<string> args, Func<Exception, bool>? isUsageError = null)
    {
        // No response files: "@..." is a description or a path here, and must reach the program as typed.
        var result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Action is ParseErrorAction)
        {
            return ReportUsageError(result.CommandResult, Describe(result));
        }

        try
        {
            // The programs handle Ctrl+C themselves (train to a checkpoint, stop after a shard) and map their own
            // exceptions to exit codes: no handler of System.CommandLine's may take either.
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (Exception e) when (e is UsageException || isUsageError?.Invoke(e) == true)
        {
            return ReportUsageError(result.CommandResult, e.Message);
        }
    }

    /// <summary>Whether the command line names <paramref name="option"/> (its default does not count).</summary>
    public static bool IsGiven(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    /// <summary>Writes the one-line usage error for <paramref name="command"/> and returns <see cref="UsageExitCode"/>.</summary>
    private static int ReportUsageError(CommandResult command, string problem)
    {
        // One line whatever the message holds (a description with a newline, a path with a tab).
        string line = new(problem.Trim().Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        if (!line.EndsWith('.'))
        {
            line += ".";
        }

        Console.Error.WriteLine($"error: {line} See '{PathOf(command)} --help'.");
        return UsageExitCode;
    }

    // The first problem, in the programs' words: what is wrong, and which option or verb it concerns.
    private static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var verbs = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        if (result.UnmatchedTokens.Count > 0)
        {
            string token = result.UnmatchedTokens[0];
            if (token.StartsWith('-'))
            {
                return $"unknown option '{token}' for {PathOf(result.CommandResult)}{Suggestion(token, command)}";
            }

            return verbs.Count > 0 && command.Action is null
                ? $"unknown verb '{token}'; use {Join(verbs)}"
                : $"unexpected argument '{token}' (options take the form --name value)";
        }

        var error = result.Errors[0];
        if (error.SymbolResult is OptionResult option)
        {
            if (option.Implicit && option.Option.Required)
            {
                return $"{option.Option.Name} {Placeholder(option.Option)} is required";
            }

            if (option.IdentifierToken is { } given && option.Tokens.Count == 0)
            {
                return $"{given.Value} needs a value ({Placeholder(option.Option)})";
            }
        }

        if (error.SymbolResult is CommandResult && verbs.Count > 0 && command.Action is null && result.UnmatchedTokens.Count == 0)
        {
            return $"{PathOf(result.CommandResult)} needs a verb: {Join(verbs)}";
        }

        return error.Message;
    }

    private static string Placeholder(Option option) => option.HelpName is { } name ? name : "VALUE";

    private static string Join(IReadOnlyList<string> names)
        => names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";

    // "PROGRAM VERB": what the user typed to reach this command, and what to add --help to.
    private static string PathOf(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? s = command; s is not null; s = s.Parent)
        {
            if (s is CommandResult c)
            {
                names.Add(c.Command is RootCommand root ? root.HelpName ?? root.Name : c.Command.Name);
            }
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    // "--step" for "--steps", "--trunc" for "--truncation", "--colour" for nothing: the closest option name (edit
    // distance <= 2, or an abbreviation of 5 characters or more).
    private static string Suggestion(string token, Command command)
    {
        string name = token.Split('=', ':')[0];
        var best = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            .Where(n => n.StartsWith("--", StringComparison.Ordinal))
            .Select(n => (Name: n, Distance: name.Length >= 5 && n.StartsWith(name, StringComparison.Ordinal) ? 1 : Distance(n, name)))
            .Where(p => p.Distance <= 2)
            .OrderBy(p => p.Distance).ThenBy(p => p.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is null ? string.Empty : $" (did you mean {best.Name}?)";
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
