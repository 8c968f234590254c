using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using T2F.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using T2F.Core.Serving;
using T2F.Core.Tests.TestSupport;
using T2F.Web.Api;
using Xunit;

namespace T2F.Web.Tests;

public class FaceApiTests : IClassFixture<FaceApiTests.Server>
{
    public sealed class Server : IDisposable
    {
        public FaceServerFactory Factory { get; } = new(settings: new() { ["MaxFaces"] = "4", ["MaxTextLength"] = "200", ["MaxBodyBytes"] = "2048" });

        public void Dispose() => Factory.Dispose();
    }

    private readonly FaceServerFactory factory;

    public FaceApiTests(Server server) => factory = server.Factory;

    private static byte[][] Pngs(FacesResponse response) => response.Faces.Select(f => Convert.FromBase64String(f.Png)).ToArray();

    private static byte[][] Direct(IReadOnlyList<GeneratedFace> faces)
    {
        var bytes = faces.Select(f => f.ToPng()).ToArray();
        foreach (var face in faces)
        {
            face.Dispose();
        }

        return bytes;
    }

    [Fact]
    public async Task FacesReturnsTheBytesOfTheDirectPipelineCall()
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/faces", new { text = "The man has a beard.", count = 3, seed = 7, truncation = 0.8 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("app;dur=", response.Headers.GetValues("Server-Timing").Single());
        var body = (await response.Content.ReadFromJsonAsync<FacesResponse>())!;
        Assert.Equal(7, body.Seed);
        Assert.Equal(16, body.Resolution);
        var expected = Direct(factory.Pipeline.Generate("The man has a beard.", new GenerationOptions { Seed = 7, FacesPerDescription = 3, Truncation = 0.8f }));
        Assert.Equal(expected, Pngs(body));
        Assert.Equal(new[] { 0, 1, 2 }, body.Faces.Select(f => f.Index));
    }

    [Fact]
    public async Task FacePngIsTheFirstFaceOfTheSameRequest()
    {
        using var client = factory.CreateClient();
        using var png = await client.GetAsync("/api/faces.png?text=The%20woman%20is%20smiling.&seed=3&truncation=0.7");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        var expected = Direct(factory.Pipeline.Generate("The woman is smiling.", new GenerationOptions { Seed = 3, Truncation = 0.7f }));
        Assert.Equal(expected[0], await png.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task EditAndInterpolateReturnThePipelinesFacesInOrder()
    {
        using var client = factory.CreateClient();
        using var edit = await client.PostAsJsonAsync("/api/edit", new { text = "a man", editedText = "a man with eyeglasses", count = 2, seed = 1, strength = 0.5 });
        Assert.True(edit.StatusCode == HttpStatusCode.OK, await edit.Content.ReadAsStringAsync());
        var edited = (await edit.Content.ReadFromJsonAsync<FacesResponse>())!;
        Assert.Equal(Direct(factory.Pipeline.Edit("a man", "a man with eyeglasses", new GenerationOptions { Seed = 1, FacesPerDescription = 2 }, 0.5f)), Pngs(edited));

        using var strip = await client.PostAsJsonAsync("/api/interpolate", new { from = "a man", to = "a woman", frames = 5, seed = 2 });
        Assert.True(strip.StatusCode == HttpStatusCode.OK, await strip.Content.ReadAsStringAsync());
        var frames = (await strip.Content.ReadFromJsonAsync<FacesResponse>())!;
        Assert.Equal(Direct(factory.Pipeline.Interpolate("a man", "a woman", 5, new GenerationOptions { Seed = 2 })), Pngs(frames));
        Assert.Equal("a man", frames.Faces[0].Description);
        Assert.Equal("a woman", frames.Faces[4].Description);
    }

    [Theory]
    [InlineData("/api/faces", """{"count":1}""", "'text' is required")]
    [InlineData("/api/faces", """{"text":"   "}""", "'text' is required")]
    [InlineData("/api/faces", """{"text":"a","count":0}""", "'count' must be 1 to 4; got 0")]
    [InlineData("/api/faces", """{"text":"a","count":5}""", "'count' must be 1 to 4; got 5")]
    [InlineData("/api/faces", """{"text":"a","seed":-1}""", "'seed' must be 0 to")]
    [InlineData("/api/faces", """{"text":"a","seed":140737488355328}""", "'seed' must be 0 to")]
    [InlineData("/api/faces", """{"text":"a","truncation":0}""", "'truncation' must be in (0, 1]")]
    [InlineData("/api/faces", """{"text":"a","truncation":1.5}""", "'truncation' must be in (0, 1]")]
    [InlineData("/api/faces", """{"text":"a","count":"two"}""", "not valid JSON")]
    [InlineData("/api/faces", """{"text":"a",""", "not valid JSON")]
    [InlineData("/api/faces", "null", "The body is empty")]
    [InlineData("/api/edit", """{"text":"a"}""", "'editedText' is required")]
    [InlineData("/api/edit", """{"text":"a","editedText":"b","count":3}""", "'count' must be 1 to 2; got 3")]
    [InlineData("/api/edit", """{"text":"a","editedText":"b","strength":9}""", "'strength' must be in [-4, 4]")]
    [InlineData("/api/interpolate", """{"from":"a","to":"b","frames":1}""", "'frames' must be 2 to 16; got 1")]
    [InlineData("/api/interpolate", """{"from":"a"}""", "'to' is required")]
    public async Task InvalidRequestsGet400WithAMessageThatNamesTheField(string path, string json, string message)
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OversizedTextBodyAndOtherContentTypesAreRefused()
    {
        using var client = factory.CreateClient();
        using var longText = await client.PostAsJsonAsync("/api/faces", new { text = new string('a', 201) });
        Assert.Equal(HttpStatusCode.BadRequest, longText.StatusCode);
        Assert.Contains("'text' has 201 characters; the limit is 200", await longText.Content.ReadAsStringAsync());

        using var huge = await client.PostAsync("/api/faces", new StringContent($$"""{"text":"{{new string('a', 4096)}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Contains("larger than 2048 bytes", await huge.Content.ReadAsStringAsync());

        using var form = await client.PostAsync("/api/faces", new StringContent("text=a", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);

        using var getTooLong = await client.GetAsync($"/api/faces.png?text={new string('b', 201)}");
        Assert.Equal(HttpStatusCode.BadRequest, getTooLong.StatusCode);
    }

    [Fact]
    public async Task ConcurrentIdenticalRequestsReturnIdenticalBytes()
    {
        using var client = factory.CreateClient();
        var requests = Enumerable.Range(0, 16).Select(async _ =>
        {
            using var response = await client.PostAsJsonAsync("/api/faces", new { text = "The woman has wavy hair.", count = 2, seed = 11 });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return Pngs((await response.Content.ReadFromJsonAsync<FacesResponse>())!);
        });
        var results = await Task.WhenAll(requests);
        foreach (var result in results.Skip(1))
        {
            Assert.Equal(results[0], result);
        }

        Assert.NotEqual(results[0][0], results[0][1]);
    }

    [Fact]
    public async Task ConcurrentDifferentRequestsAreMicroBatchedAndGetTheBytesTheyGetAlone()
    {
        using var batching = new FaceServerFactory(settings: new() { ["MaxBatchFaces"] = "4" });
        using var client = batching.CreateClient();
        async Task<byte[]> Face(int seed)
        {
            using var response = await client.GetAsync($"/api/faces.png?text=The+man+has+a+beard.&seed={seed}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsByteArrayAsync();
        }

        var alone = new List<byte[]>();
        for (int seed = 0; seed < 8; seed++)
        {
            alone.Add(await Face(seed));
        }

        var together = await Task.WhenAll(Enumerable.Range(0, 8).Select(Face));
        for (int seed = 0; seed < 8; seed++)
        {
            Assert.Equal(alone[seed], together[seed]);
        }

        var info = (await client.GetFromJsonAsync<ModelInfo>("/api/info"))!;
        Assert.Equal(4, info.MaxBatchFaces);
        Assert.Equal(16, info.Completed);
        Assert.True(info.Batches < info.Completed, $"{info.Batches} batches for {info.Completed} requests: concurrent requests were not batched");
    }

    [Fact]
    public async Task HealthInfoOpenApiAndThePageAreServed()
    {
        using var client = factory.CreateClient();
        Assert.Equal("Healthy", await client.GetStringAsync("/health"));

        var info = (await client.GetFromJsonAsync<ModelInfo>("/api/info"))!;
        Assert.Equal(16, info.Resolution);
        Assert.Equal(4, info.MaxFaces);
        Assert.Equal("hash-32", info.Encoder);

        using var openApi = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = openApi.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/faces", "/api/faces.png", "/api/edit", "/api/interpolate", "/api/info" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        }

        // The page and its script and style come from this server: no CDN, nothing fetched from elsewhere.
        string page = await client.GetStringAsync("/");
        Assert.Contains("<textarea id=\"text\"", page);
        foreach (var file in new[] { page, await client.GetStringAsync("/app.js"), await client.GetStringAsync("/app.css") })
        {
            Assert.DoesNotContain("http://", file);
            Assert.DoesNotContain("https://", file);
            Assert.DoesNotContain("//cdn", file);
        }
    }
}

public class FaceApiBusyTests
{
    [Fact]
    public async Task AFullQueueGets503WithRetryAfterAndTheServerRecovers()
    {
        var tiny = TinyPipeline.Create();
        var blocking = new BlockingGenerator(tiny.Generator);
        var pipeline = new TextToFacePipeline(tiny.Encoder, tiny.Projector, blocking, tiny.EncoderName);
        // Micro-batching needs the built-in generator; this test wraps it to hold requests.
        using var factory = new FaceServerFactory(pipeline, new() { ["MaxConcurrency"] = "1", ["MaxQueueLength"] = "1", ["MaxBatchFaces"] = "1" });
        using var client = factory.CreateClient();

        var running = client.GetAsync("/api/faces.png?text=first");
        for (int i = 0; i < 3000 && blocking.Started == 0; i++)
        {
            await Task.Delay(10);
        }

        var waiting = client.GetAsync("/api/faces.png?text=second");
        var service = factory.Services.GetRequiredService<TextToFaceService>();
        for (int i = 0; i < 3000 && service.Pending < 2; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, blocking.Started);
        using var busy = await client.GetAsync("/api/faces.png?text=third");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.True(busy.Headers.RetryAfter!.Delta >= TimeSpan.FromSeconds(1));
        Assert.Contains("busy", await busy.Content.ReadAsStringAsync());

        blocking.Gate.Release(100);
        using var first = await running;
        using var second = await waiting;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using var after = await client.GetAsync("/api/faces.png?text=after");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        tiny.Encoder.Dispose();
    }
}
