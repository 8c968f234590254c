// Batch generation of labelled synthetic face datasets: on one machine, or on a cluster of Orleans silos.
//   dotnet run --project samples/T2F.Batch -c Release -- local --synthfaces 1000 --seed 0 --out out/batch
//   dotnet run --project samples/T2F.Batch -c Release -- demo-cluster --silos 3 --synthfaces 1000 --out out/batch
// Rerunning the same command continues where a killed or interrupted run stopped; Ctrl+C / SIGTERM stop after the
// current face and keep every committed shard.
using Orleans.Runtime;
using T2F.Samples.Shared;

namespace T2F.Samples.Batch;

public static class Program
{
    private const string Usage = """
        Usage: T2F.Batch local        JOB [--model DIR] [--threads N]
               T2F.Batch silo         --redis HOST:PORT [--model DIR] [--threads N] [--address IP] [--silo-port P]
                                      [--gateway-port G] [--cluster ID]
               T2F.Batch submit       JOB --redis HOST:PORT [--cluster ID] [--lease-seconds S]
               T2F.Batch demo-cluster JOB [--silos N] [--redis HOST:PORT] [--model DIR] [--threads N] [--lease-seconds S]
        JOB:   (--spec FILE.jsonl | --synthfaces N) --out DIR [--seed S] [--shard-size N] [--per-description K]
               [--truncation T] [--variation V]
          local             the whole job in this process
          silo              one silo of a cluster (Redis membership): loads the model, takes shards until Ctrl+C
          submit            sends the job to the cluster, shows its progress, waits until it is finished
          demo-cluster      redis-server (unless --redis), N silo processes on loopback (default 3) and a client, for one
                            job; stops everything it started. Writes the same bytes as local.
          --spec FILE       JSON Lines: {"id": "a1", "text": "...", "count": 4[, "attributes": "Male Smiling"]} per line
          --synthfaces N    N SynthFaces attribute sets sampled with --seed, each described once (labelled dataset)
          --per-description K   faces per sampled description (default 1)
          --out DIR         dataset folder (CelebA layout: img_align_celeba/, caps.txt, list_eval_partition.txt,
                            list_attr_celeba.txt when every item states its attributes; shards/ and t2f-batch.json);
                            on a cluster, a path that is the same shared storage on every silo
          --seed S          job seed (default 0): face k of item id is a pure function of (model, seed, id, k)
          --model DIR       a model bundle folder (default: the embedded default model); the same on every silo
          --shard-size N    faces per shard, the unit of commit, resume and lease (default 256)
          --threads N       shards generated at once, one libtorch thread each (default: cores; demo-cluster:
                            cores / silos); the bytes do not depend on it
          --lease-seconds S how long a stopped silo's shard waits before another silo takes it (default 60)
          --address IP      the address other silos reach this one at (default: this machine's first address)
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        Func<CancellationToken, Task<int>> command;
        try
        {
            var o = CommandLineOptions.Parse(args.AsSpan(1));
            command = args[0] switch
            {
                "local" => LocalCommand.Parse(o),
                "silo" => SiloCommand.Parse(o),
                "submit" => SubmitCommand.Parse(o),
                "demo-cluster" => DemoClusterCommand.Parse(o),
                _ => throw new ArgumentException($"unknown verb '{args[0]}'; use local, silo, submit or demo-cluster."),
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            Console.Error.WriteLine($"error: {e.Message} (T2F.Batch --help shows every option)");
            return 2;
        }

        using var stop = new StopSignal();
        try
        {
            return command(stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
        {
            Console.WriteLine();
            Console.Error.WriteLine("Stopped; every committed shard is kept (a submitted job goes on while its silos run). Rerun the same command to continue.");
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException or TimeoutException or OrleansException or StackExchange.Redis.RedisException)
        {
            Console.WriteLine();
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
