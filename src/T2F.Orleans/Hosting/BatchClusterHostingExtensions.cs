using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using T2F.Orleans.Workers;

namespace T2F.Orleans.Hosting;

/// <summary>Joins silos and clients to a batch cluster, and gives a silo its batch worker.</summary>
public static class BatchClusterHostingExtensions
{
    /// <summary>Redis membership and the cluster's ids (<see cref="BatchClusterOptions"/>) for a silo.</summary>
    public static ISiloBuilder UseBatchCluster(this ISiloBuilder builder, BatchClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        return builder.UseRedisClustering(cluster.Redis).Configure<ClusterOptions>(o => Ids(o, cluster));
    }

    /// <summary>Redis membership and the cluster's ids (<see cref="BatchClusterOptions"/>) for a client.</summary>
    public static IClientBuilder UseBatchCluster(this IClientBuilder builder, BatchClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        return builder.UseRedisClustering(cluster.Redis).Configure<ClusterOptions>(o => Ids(o, cluster));
    }

    /// <summary>
    /// The silo's batch worker (a hosted service): it loads the model once, then takes shards of submitted jobs until
    /// the silo stops. Without it a silo still hosts job grains but generates nothing.
    /// </summary>
    public static ISiloBuilder AddBatchWorker(this ISiloBuilder builder, BatchWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ParallelShards, 1);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<ShardWorker>();
        return builder;
    }

    private static void Ids(ClusterOptions options, BatchClusterOptions cluster)
    {
        options.ClusterId = cluster.ClusterId;
        options.ServiceId = cluster.ServiceId;
    }
}
