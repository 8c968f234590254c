using System.Diagnostics;
using System.Globalization;

namespace T2F.Web.Hosting;

/// <summary>
/// Logs every request with its status and time (one line each) and returns the time in a <c>Server-Timing</c>
/// header, so a slow generation shows in the log and in the browser's network panel.
/// </summary>
public sealed class RequestTimingMiddleware(RequestDelegate next, ILogger<RequestTimingMiddleware> logger)
{
    /// <summary>Runs the rest of the pipeline and logs the outcome.</summary>
    /// <param name="context">The request.</param>
    public async Task InvokeAsync(HttpContext context)
    {
        long start = Stopwatch.GetTimestamp();
        context.Response.OnStarting(() =>
        {
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"app;dur={ms:F1}");
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            string outcome = context.RequestAborted.IsCancellationRequested ? "aborted by the client" : context.Response.StatusCode.ToString(CultureInfo.InvariantCulture);
            logger.LogInformation("{Method} {Path} {Outcome} in {Milliseconds:F1} ms", context.Request.Method, context.Request.Path, outcome, ms);
        }
    }
}
