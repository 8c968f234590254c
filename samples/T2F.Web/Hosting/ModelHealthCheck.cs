using Microsoft.Extensions.Diagnostics.HealthChecks;
using T2F.Core.Serving;

namespace T2F.Web.Hosting;

/// <summary>Healthy when the model is loaded; reports the requests running or waiting.</summary>
public sealed class ModelHealthCheck(TextToFaceService service) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(HealthCheckResult.Healthy($"model loaded; {service.Pending} requests running or waiting"));
}
