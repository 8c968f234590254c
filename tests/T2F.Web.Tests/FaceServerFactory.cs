using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using T2F.Core.Pipeline;
using T2F.Core.Tests.TestSupport;

namespace T2F.Web.Tests;

/// <summary>
/// The real T2F.Web app (its Program, middleware, endpoints and static page) serving the 16x16 test pipeline instead
/// of a bundle from disk. Settings are the <c>Faces:*</c> keys of the app's configuration.
/// </summary>
public sealed class FaceServerFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string> settings;

    public FaceServerFactory(TextToFacePipeline? pipeline = null, Dictionary<string, string>? settings = null, bool kestrel = false)
    {
        Pipeline = pipeline ?? TinyPipeline.Create();
        this.settings = settings ?? new Dictionary<string, string>();
        if (kestrel)
        {
            UseKestrel(0);
        }
    }

    /// <summary>The pipeline the server serves (disposed with the factory).</summary>
    public TextToFacePipeline Pipeline { get; }

    /// <summary>The loopback address of a Kestrel-hosted server (after <see cref="WebApplicationFactory{T}.StartServer"/>).</summary>
    public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting($"Faces:{key}", value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton(Pipeline));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Pipeline.Dispose();
        }
    }
}
