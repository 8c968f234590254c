using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.RegularExpressions;
using T2F.Core.Tests.TestSupport;
using Xunit;

namespace T2F.Core.Tests.Samples;

/// <summary>
/// The command line of every sample and of benchmarks/T2F.LoadTest (System.CommandLine through samples/Shared): the
/// help of each program and verb lists the options that README, training/ and docs/ scripts pass, each with a
/// description; a usage error exits 2 with one line on stderr; a valid invocation runs. The options each sample
/// renders with are tested by the sample's own test class.
/// </summary>
// Serial: it redirects the process's console to read what each program prints, and valid invocations may set
// libtorch's thread count (--threads).
[Collection(ProcessWideStateCollection.Name)]
public class SampleCommandLineTests
{
    private static readonly Dictionary<string, Func<string[], int>> Programs = new(StringComparer.Ordinal)
    {
        ["T2F.StyleGan2"] = T2F.Samples.StyleGan2.Program.Main,
        ["T2F.TextToFace"] = T2F.Samples.TextToFace.Program.Main,
        ["T2F.Train"] = T2F.Samples.Train.Program.Main,
        ["T2F.Evaluate"] = T2F.Samples.Evaluate.Program.Main,
        ["T2F.Datasets"] = T2F.Samples.Data.Program.Main,
        ["T2F.Doctor"] = T2F.Samples.Doctor.Program.Main,
        ["T2F.Batch"] = T2F.Samples.Batch.Program.Main,
        // Top-level statements: the entry point is compiler-generated, so it is found through the assembly.
        ["T2F.LoadTest"] = args => (int)typeof(T2F.LoadTest.LoadClient).Assembly.EntryPoint!.Invoke(null, [args])!,
    };

    private static readonly string[] Verbs = ["gan", "projector", "bundle", "train-attributes", "render", "sheet", "local", "silo", "submit", "demo-cluster"];

    private const string Job = "--spec --synthfaces --per-description --out --seed --shard-size --truncation --variation";

    [Theory]
    [InlineData("T2F.StyleGan2", "", "--checkpoint --count --seed --truncation --out --batch --noise --threads")]
    [InlineData("T2F.TextToFace", "", "--model --text --count --seed --truncation --variation --out --edit --strength --interpolate --frames --mix --crossover")]
    [InlineData("T2F.Train", "gan", "--data --run --size --channels --style --mapping --batch --accumulate --steps --lr --seed --checkpoint-every --sample-every --log-every --threads --device")]
    [InlineData("T2F.Train", "projector", "--data --run --generator --space --hidden --depth --noise --batch --steps --lr --seed --checkpoint-every --sample-every --log-every --threads --device --perceptual --perceptual-weight --adversarial --attribute-critic --attribute-weight --attribute-start")]
    [InlineData("T2F.Train", "bundle", "--generator --projector-run --out")]
    [InlineData("T2F.Evaluate", "", "--data --count --out --model --size --variation --holdout-from --seed --diversity --classifier --threads")]
    [InlineData("T2F.Evaluate", "train-attributes", "--out --count --val-count --epochs --batch --lr --seed --work --threads --train-data")]
    [InlineData("T2F.Datasets", "render", "--out --count --size --seed --captions --threads")]
    [InlineData("T2F.Datasets", "sheet", "--data --out --count --columns --cell --first")]
    [InlineData("T2F.Doctor", "", "--route --quiet")]
    [InlineData("T2F.Batch", "local", Job + " --model --threads")]
    [InlineData("T2F.Batch", "silo", "--redis --cluster --model --threads --address --silo-port --gateway-port")]
    [InlineData("T2F.Batch", "submit", Job + " --redis --cluster --lease-seconds")]
    [InlineData("T2F.Batch", "demo-cluster", Job + " --silos --redis --model --threads --lease-seconds")]
    [InlineData("T2F.LoadTest", "", "--url --requests --concurrency --server-pid")]
    public void HelpListsEveryOptionWithADescriptionAndExitsZero(string program, string verb, string options)
    {
        string[] args = verb.Length == 0 ? ["--help"] : [verb, "--help"];
        var (code, output, error) = Run(program, args);
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        Assert.Matches(new Regex($@"Usage:\s+{Regex.Escape(verb.Length == 0 ? program : $"{program} {verb}")} \["), output);
        foreach (string option in options.Split(' '))
        {
            // A row of the options table: the option, its placeholder, two spaces or more, then its description.
            Assert.Matches(new Regex($@"(?m)^\s+{Regex.Escape(option)}( <[^>]+>)?( \(REQUIRED\))?\s{{2,}}\S"), output);
        }
    }

    [Theory]
    [InlineData("T2F.Train", "gan projector bundle")]
    [InlineData("T2F.Evaluate", "train-attributes")]
    [InlineData("T2F.Datasets", "render sheet")]
    [InlineData("T2F.Batch", "local silo submit demo-cluster")]
    public void HelpOfAProgramWithVerbsListsTheVerbs(string program, string verbs)
    {
        var (code, output, _) = Run(program, "--help");
        Assert.Equal(0, code);
        foreach (string verb in verbs.Split(' '))
        {
            Assert.Matches(new Regex($@"(?m)^\s+{Regex.Escape(verb)}\s{{2,}}\S"), output);
        }

        Assert.DoesNotMatch(new Regex(@"(?m)^\s+help\s"), output);
    }

    [Theory]
    [InlineData("T2F.Train")]
    [InlineData("T2F.Evaluate")]
    public void HelpAsAVerbPrintsTheHelp(string program)
    {
        var (code, output, _) = Run(program, "help");
        Assert.Equal(0, code);
        Assert.Contains($"{program} [command] [options]", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown option '--bogus' for T2F.StyleGan2", "T2F.StyleGan2", "--checkpoint", "x.pt", "--bogus", "1")]
    [InlineData("--count must be an integer >= 1; got '0'.", "T2F.StyleGan2", "--checkpoint", "x.pt", "--count", "0")]
    [InlineData("--checkpoint FILE is required.", "T2F.StyleGan2", "--count", "3")]
    [InlineData("unknown option '--colour' for T2F.TextToFace", "T2F.TextToFace", "--text", "a face", "--colour", "red")]
    [InlineData("--variation must be a number in [0, 2]; got '3'.", "T2F.TextToFace", "--text", "a face", "--variation", "3")]
    [InlineData("--text TEXT is required.", "T2F.TextToFace", "--count", "2")]
    [InlineData("has no letters or digits", "T2F.TextToFace", "--text", "...")]
    [InlineData("unknown option '--step' for T2F.Train gan (did you mean --steps?)", "T2F.Train", "gan", "--data", "x", "--run", "y", "--step", "20")]
    [InlineData("--checkpoint-every must be an integer >= 1; got '0'.", "T2F.Train", "gan", "--data", "x", "--run", "y", "--checkpoint-every", "0")]
    [InlineData("--data needs a value (DIR).", "T2F.Train", "gan", "--data")]
    [InlineData("--space must be z, w or wplus; got 'q'.", "T2F.Train", "projector", "--data", "x", "--generator", "g", "--run", "y", "--space", "q")]
    [InlineData("--attribute-weight, --attribute-start, --attribute-balance and --attribute-augment need --attribute-critic FILE.", "T2F.Train", "projector", "--data", "x", "--generator", "g", "--run", "y", "--attribute-weight", "2")]
    [InlineData("--attribute-weight, --attribute-start, --attribute-balance and --attribute-augment need --attribute-critic FILE.", "T2F.Train", "projector", "--data", "x", "--generator", "g", "--run", "y", "--attribute-augment")]
    [InlineData("unknown option '--steps' for T2F.Train bundle", "T2F.Train", "bundle", "--generator", "g", "--projector-run", "p", "--out", "o", "--steps", "3")]
    [InlineData("unknown verb 'nonsense'; use gan, projector or bundle.", "T2F.Train", "nonsense")]
    [InlineData("T2F.Train needs a verb: gan, projector or bundle.", "T2F.Train")]
    [InlineData("unknown option '--bogus' for T2F.Evaluate", "T2F.Evaluate", "--data", "x", "--out", "y", "--bogus", "1")]
    [InlineData("--count must be an integer >= 2; got '1'.", "T2F.Evaluate", "--data", "x", "--out", "y", "--count", "1")]
    [InlineData("--epochs must be an integer >= 1; got '0'.", "T2F.Evaluate", "train-attributes", "--out", "f", "--epochs", "0")]
    [InlineData("unknown option '--colour' for T2F.Datasets render", "T2F.Datasets", "render", "--out", "x", "--colour", "red")]
    [InlineData("--captions must be an integer >= 0; got '-1'.", "T2F.Datasets", "render", "--out", "x", "--captions", "-1")]
    [InlineData("--cell must be an integer >= 16; got '8'.", "T2F.Datasets", "sheet", "--data", "x", "--out", "y", "--cell", "8")]
    [InlineData("T2F.Datasets needs a verb: render or sheet.", "T2F.Datasets")]
    [InlineData("unknown option '--bogus' for T2F.Doctor", "T2F.Doctor", "--bogus")]
    [InlineData("--route must be auto, native, channel-padded or onednn-disabled; got 'fastest'.", "T2F.Doctor", "--route", "fastest")]
    [InlineData("unknown option '--bogus' for T2F.Batch local", "T2F.Batch", "local", "--synthfaces", "2", "--out", "o", "--bogus", "1")]
    [InlineData("--shard-size must be an integer >= 1; got '0'.", "T2F.Batch", "local", "--synthfaces", "2", "--out", "o", "--shard-size", "0")]
    [InlineData("give exactly one of --spec FILE.jsonl and --synthfaces N.", "T2F.Batch", "local", "--out", "o")]
    [InlineData("--silo-port must be an integer in [1, 65535]; got '70000'.", "T2F.Batch", "silo", "--redis", "localhost:6379", "--silo-port", "70000")]
    [InlineData("--lease-seconds must be an integer >= 1; got '0'.", "T2F.Batch", "submit", "--redis", "localhost:6379", "--synthfaces", "4", "--out", "o", "--lease-seconds", "0")]
    [InlineData("--silos must be an integer in [1, 16]; got '17'.", "T2F.Batch", "demo-cluster", "--silos", "17", "--synthfaces", "4", "--out", "o")]
    [InlineData("unknown verb 'distributed'; use local, silo, submit or demo-cluster.", "T2F.Batch", "distributed", "--synthfaces", "2")]
    [InlineData("unknown option '--bogus' for T2F.LoadTest", "T2F.LoadTest", "--bogus", "1")]
    [InlineData("--concurrency must be an integer in [1, 4096]; got '5000'.", "T2F.LoadTest", "--concurrency", "5000")]
    [InlineData("--url must be an absolute URL, e.g. http://127.0.0.1:5000; got 'here'.", "T2F.LoadTest", "--url", "here")]
    public void AUsageErrorExitsTwoWithOneLineThatNamesTheProblemAndTheHelp(string problem, string program, params string[] args)
    {
        var (code, output, error) = Run(program, args);
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        string line = error.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
        string command = args.Length > 0 && Verbs.Contains(args[0]) ? $"{program} {args[0]}" : program;
        Assert.EndsWith($"See '{command} --help'.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLastOccurrenceOfAnOptionWinsAsItDidForTheScripts()
    {
        string root = Directory.CreateTempSubdirectory("t2f-cli-last").FullName;
        try
        {
            string data = Path.Combine(root, "faces");
            Assert.Equal(0, Run("T2F.Datasets", "render", "--count", "50", "--size", "16", "--captions", "1", "--out", data, "--count", "3").Code);
            Assert.Equal(3, Directory.GetFiles(Path.Combine(data, "img_align_celeba"), "*.png").Length);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void AnArgumentThatStartsWithAtIsAValueNotAResponseFile()
    {
        // A missing data folder is a failure of the run (exit 1), not of the command line: "@..." reached the program.
        var (code, _, error) = Run("T2F.Datasets", "sheet", "--data", "@no-such-folder", "--out", Path.Combine(Path.GetTempPath(), "t2f-never-written.png"));
        Assert.Equal(1, code);
        Assert.Contains("@no-such-folder", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLoadTestRunsAgainstAServerAndPrintsItsRow()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var server = Task.Run(async () =>
        {
            for (int i = 0; i < 3; i++)
            {
                var context = await listener.GetContextAsync();
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });
        var (code, output, error) = await Task.Run(() => Run("T2F.LoadTest", "--url", $"http://127.0.0.1:{port}", "--requests", "3", "--concurrency", "1"));
        await server;
        Assert.True(code == 0, error);
        Assert.Contains("| 3 | 1 |", output, StringComparison.Ordinal);
        Assert.Contains("200: 3", output, StringComparison.Ordinal);
    }

    private static (int Code, string Output, string Error) Run(string program, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (savedOutput, savedError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (Programs[program](args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(savedOutput);
            Console.SetError(savedError);
        }
    }
}
