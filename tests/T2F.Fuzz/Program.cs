using SharpFuzz;
using T2F.Fuzz;

// T2F.Fuzz TARGET          afl-fuzz child: reads one input per run from AFL (see fuzz.sh)
// T2F.Fuzz seeds DIR       writes a seed corpus, DIR/TARGET/seed
// T2F.Fuzz replay TARGET F replays one file and prints accepted / rejected (or crashes)
if (args.Length == 2 && args[0] == "seeds")
{
    foreach (var (target, bytes) in FuzzTargets.Seeds())
    {
        Directory.CreateDirectory(Path.Combine(args[1], target));
        File.WriteAllBytes(Path.Combine(args[1], target, "seed"), bytes);
    }

    return 0;
}

if (args.Length == 3 && args[0] == "replay")
{
    Console.WriteLine(FuzzTargets.Run(args[1], File.ReadAllBytes(args[2])) ? "accepted" : "rejected");
    return 0;
}

if (args.Length != 1 || !FuzzTargets.All.ContainsKey(args[0]))
{
    Console.Error.WriteLine($"usage: T2F.Fuzz TARGET | seeds DIR | replay TARGET FILE; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

string name = args[0];
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTargets.Run(name, buffer.ToArray());
});
return 0;
