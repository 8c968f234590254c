// T2F.Web: text-to-face as a web service and a page. One pipeline, served through TextToFaceService (bounded
// concurrency and queue), a JSON API with OpenAPI, and a static page that needs no CDN.
//
//   dotnet run --project samples/T2F.Web -c Release -- [--model BUNDLE_DIR] [--threads N] [--urls http://127.0.0.1:5000]
// Without --model it serves the embedded default model (T2F.Models.SynthFaces).
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using T2F.Core.Pipeline;
using T2F.Core.Serving;
using T2F.Web.Api;
using T2F.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

// appsettings.json next to the assemblies, below every other source: the content root is the working directory, which
// for "dotnet T2F.Web.dll" or "dotnet run --project" from the repository root is not the app's folder.
builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
{
    FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
    Path = "appsettings.json",
    Optional = true,
});
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--model"] = $"{FaceServerOptions.Section}:{nameof(FaceServerOptions.Model)}",
    ["--threads"] = $"{FaceServerOptions.Section}:{nameof(FaceServerOptions.Threads)}",
});
builder.Services.AddOptions<FaceServerOptions>().BindConfiguration(FaceServerOptions.Section);
var settings = builder.Configuration.GetSection(FaceServerOptions.Section).Get<FaceServerOptions>() ?? new FaceServerOptions();
try
{
    settings.Validate();
}
catch (ArgumentOutOfRangeException invalid)
{
    Console.Error.WriteLine($"error: {invalid.Message.Split(Environment.NewLine)[0]}");
    return 2;
}

// Kestrel refuses larger bodies itself (also chunked ones); the endpoints check Content-Length before reading.
builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<FaceServerOptions>>((kestrel, faces) => kestrel.Limits.MaxRequestBodySize = faces.Value.MaxBodyBytes);
builder.Services.AddSingleton(sp => FaceModel.Load(sp.GetRequiredService<IOptions<FaceServerOptions>>().Value));
builder.Services.AddSingleton(sp =>
{
    var options = sp.GetRequiredService<IOptions<FaceServerOptions>>().Value;
    return new TextToFaceService(sp.GetRequiredService<TextToFacePipeline>(), new TextToFaceServiceOptions
    {
        MaxConcurrency = options.MaxConcurrency,
        MaxQueueLength = options.MaxQueueLength,
        MaxBatchFaces = options.MaxBatchFaces,
        // The endpoints check faces and frames against their own limits; the service bounds the larger of the two.
        MaxFacesPerRequest = Math.Max(options.MaxFaces, options.MaxFrames),
    });
});
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddHealthChecks().AddCheck<ModelHealthCheck>("model");

var app = builder.Build();
app.UseExceptionHandler();
app.UseMiddleware<RequestTimingMiddleware>();
// The page lives next to the app's assemblies (copied at build), whatever the working directory.
var page = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
app.UseStaticFiles(new StaticFileOptions { FileProvider = page });
app.MapOpenApi();
app.MapHealthChecks("/health");
app.MapFaceEndpoints();

// Load the model before listening, so a wrong --model fails at start with one line instead of at the first request.
try
{
    app.Services.GetRequiredService<TextToFaceService>();
}
catch (Exception failure) when (failure is InvalidOperationException or IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {failure.Message.Split(Environment.NewLine)[0]}");
    return 2;
}

app.Run();
return 0;

/// <summary>The entry point (public so that WebApplicationFactory&lt;Program&gt; can start the app in tests).</summary>
public partial class Program;
