using Xunit;

namespace T2F.Web.Tests;

/// <summary>
/// A test that drives Debian's chromium through chromedriver. Where neither is installed it is reported as skipped
/// with the command that installs them, except where <c>T2F_REQUIRE_BROWSER=1</c> (set by .ci/run, which installs
/// them): there a missing browser fails the test instead of skipping it.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";
    public const string ChromeDriver = "/usr/bin/chromedriver";

    public BrowserFactAttribute()
    {
        bool installed = File.Exists(Chromium) && File.Exists(ChromeDriver);
        if (!installed && Environment.GetEnvironmentVariable("T2F_REQUIRE_BROWSER") != "1")
        {
            Skip = $"{Chromium} or {ChromeDriver} is missing: apt-get install chromium chromium-driver (.ci/run does, and sets T2F_REQUIRE_BROWSER=1 so the test cannot skip there).";
        }
    }
}
