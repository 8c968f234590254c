using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using T2F.Core.Pipeline;
using T2F.Core.Serving;
using T2F.Web.Hosting;

namespace T2F.Web.Api;

/// <summary>
/// The HTTP API: <c>POST /api/faces</c>, <c>GET /api/faces.png</c>, <c>POST /api/edit</c>, <c>POST /api/interpolate</c>,
/// <c>GET /api/info</c>. Every generation goes through the one <see cref="TextToFaceService"/>: bounded concurrency
/// and queue, 503 with Retry-After when full, the request's abort token honoured while it waits.
/// </summary>
public static class FaceEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps the endpoints.</summary>
    /// <param name="app">The application.</param>
    public static void MapFaceEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api").WithTags("faces");

        api.MapPost("/faces", Faces)
            .WithName("CreateFaces")
            .WithSummary("Faces for a description")
            .WithDescription("Renders 'count' faces for 'text'; the same text, seed and truncation always give the same PNG bytes.")
            .Accepts<FacesRequest>("application/json");

        api.MapGet("/faces.png", FacePng)
            .WithName("GetFacePng")
            .WithSummary("One face as a PNG file")
            .WithDescription("GET /api/faces.png?text=...&seed=0&truncation=0.7: the first face of the same POST /api/faces request.");

        api.MapPost("/edit", Edit)
            .WithName("EditFaces")
            .WithSummary("The same faces before and after a change of the description")
            .WithDescription("Returns original, edited, original, edited ...: the latent moves by 'strength' times the difference of the two descriptions' projections, seed and noise stay.")
            .Accepts<EditRequest>("application/json");

        api.MapPost("/interpolate", Interpolate)
            .WithName("InterpolateFaces")
            .WithSummary("A strip of faces from one description to another")
            .Accepts<InterpolateRequest>("application/json");

        api.MapGet("/info", (TextToFaceService service, TextToFacePipeline pipeline, IOptions<FaceServerOptions> options) =>
            TypedResults.Ok(new ModelInfo(pipeline.EncoderName, pipeline.Resolution, service.Pending, options.Value.MaxTextLength, options.Value.MaxFaces, options.Value.MaxFrames, options.Value.MaxBatchFaces, service.Statistics.Requests, service.Statistics.Batches)))
            .WithName("GetInfo")
            .WithSummary("The model served and the request limits");
    }

    private static async Task<Results<Ok<FacesResponse>, ProblemHttpResult>> Faces(HttpContext context, TextToFaceService service, TextToFacePipeline pipeline, IOptions<FaceServerOptions> settings)
    {
        var limits = new RequestLimits(settings.Value);
        var (request, problem) = await ReadBody<FacesRequest>(context, limits.Options.MaxBodyBytes);
        if (request is null)
        {
            return problem!;
        }

        int count = request.Count ?? 1;
        string? error = RequestLimits.Generation(request.Seed, request.Truncation, count, out var options)
            ?? limits.Text(request.Text, "text")
            ?? RequestLimits.Count(count, 1, limits.Options.MaxFaces, "count");
        return error is not null
            ? BadRequest(error)
            : await Run(context, pipeline, options.Seed, () => service.GenerateAsync(request.Text!, options, context.RequestAborted));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> FacePng(HttpContext context, TextToFaceService service, IOptions<FaceServerOptions> settings, string? text, long? seed, float? truncation)
    {
        var limits = new RequestLimits(settings.Value);
        string? error = RequestLimits.Generation(seed, truncation, 1, out var options) ?? limits.Text(text, "text");
        if (error is not null)
        {
            return BadRequest(error);
        }

        return await Serve(context, () => service.GenerateAsync(text!, options, context.RequestAborted), (faces, _) =>
            TypedResults.File(faces[0].ToPng(), "image/png", string.Create(CultureInfo.InvariantCulture, $"face-{options.Seed}.png")));
    }

    private static async Task<Results<Ok<FacesResponse>, ProblemHttpResult>> Edit(HttpContext context, TextToFaceService service, TextToFacePipeline pipeline, IOptions<FaceServerOptions> settings)
    {
        var limits = new RequestLimits(settings.Value);
        var (request, problem) = await ReadBody<EditRequest>(context, limits.Options.MaxBodyBytes);
        if (request is null)
        {
            return problem!;
        }

        int count = request.Count ?? 1;
        float strength = request.Strength ?? 1f;
        string? error = RequestLimits.Generation(request.Seed, request.Truncation, count, out var options)
            ?? limits.Text(request.Text, "text")
            ?? limits.Text(request.EditedText, "editedText")
            ?? RequestLimits.Count(count, 1, limits.Options.MaxFaces / 2, "count")
            ?? (float.IsFinite(strength) && Math.Abs(strength) <= 4 ? null : string.Create(CultureInfo.InvariantCulture, $"'strength' must be in [-4, 4] (1: all the way to the edited description); got {strength}."));
        return error is not null
            ? BadRequest(error)
            : await Run(context, pipeline, options.Seed, () => service.EditAsync(request.Text!, request.EditedText!, options, strength, context.RequestAborted));
    }

    private static async Task<Results<Ok<FacesResponse>, ProblemHttpResult>> Interpolate(HttpContext context, TextToFaceService service, TextToFacePipeline pipeline, IOptions<FaceServerOptions> settings)
    {
        var limits = new RequestLimits(settings.Value);
        var (request, problem) = await ReadBody<InterpolateRequest>(context, limits.Options.MaxBodyBytes);
        if (request is null)
        {
            return problem!;
        }

        int frames = request.Frames ?? 8;
        string? error = RequestLimits.Generation(request.Seed, request.Truncation, 1, out var options)
            ?? limits.Text(request.From, "from")
            ?? limits.Text(request.To, "to")
            ?? RequestLimits.Count(frames, 2, limits.Options.MaxFrames, "frames");
        return error is not null
            ? BadRequest(error)
            : await Run(context, pipeline, options.Seed, () => service.InterpolateAsync(request.From!, request.To!, frames, options, context.RequestAborted));
    }

    // Runs one service call and encodes its faces as JSON.
    private static Task<Results<Ok<FacesResponse>, ProblemHttpResult>> Run(HttpContext context, TextToFacePipeline pipeline, long seed, Func<Task<IReadOnlyList<GeneratedFace>>> call)
        => Serve(context, call, (faces, ms) => TypedResults.Ok(new FacesResponse(seed, pipeline.Resolution, Math.Round(ms, 1), faces.Select((f, i) => new FaceImage(f.Description, i, Convert.ToBase64String(f.ToPng()))).ToList())));

    // One service call for every endpoint: the faces are encoded by `encode` (with the generation time in ms) and then
    // disposed; busy -> 503 + Retry-After, the pipeline's own checks -> 400.
    private static async Task<Results<TOk, ProblemHttpResult>> Serve<TOk>(HttpContext context, Func<Task<IReadOnlyList<GeneratedFace>>> call, Func<IReadOnlyList<GeneratedFace>, double, TOk> encode)
        where TOk : IResult
    {
        try
        {
            long start = Stopwatch.GetTimestamp();
            var faces = await call();
            try
            {
                return encode(faces, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            finally
            {
                DisposeAll(faces);
            }
        }
        catch (ServiceBusyException busy)
        {
            return Busy(context, busy);
        }
        catch (ArgumentException invalid)
        {
            return BadRequest(invalid.Message);
        }
    }

    // Reads a JSON body of at most maxBytes: 415 for another content type, 413 for a larger body (before reading it
    // when Content-Length says so), 400 naming the JSON error.
    private static async Task<(T? Value, ProblemHttpResult? Problem)> ReadBody<T>(HttpContext context, int maxBytes)
        where T : class
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem("Send the request as JSON with 'Content-Type: application/json'.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"));
        }

        var tooLarge = TypedResults.Problem(string.Create(CultureInfo.InvariantCulture, $"The body is larger than {maxBytes} bytes; shorten the text."), statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large");
        if (request.ContentLength > maxBytes)
        {
            return (null, tooLarge);
        }

        var buffer = new byte[maxBytes + 1];
        int length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted)) > 0)
        {
            length += read;
        }

        if (length > maxBytes)
        {
            return (null, tooLarge);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.AsSpan(0, length), Json);
            return value is null ? (null, BadRequest("The body is empty; send a JSON object.")) : (value, null);
        }
        catch (JsonException invalid)
        {
            return (null, BadRequest($"The body is not valid JSON for this request: {invalid.Message}"));
        }
    }

    private static ProblemHttpResult BadRequest(string detail)
        => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    private static ProblemHttpResult Busy(HttpContext context, ServiceBusyException busy)
    {
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(busy.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(busy.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy");
    }

    private static void DisposeAll(IReadOnlyList<GeneratedFace> faces)
    {
        foreach (var face in faces)
        {
            face.Dispose();
        }
    }
}
