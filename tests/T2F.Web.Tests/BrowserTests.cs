using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Xunit;

namespace T2F.Web.Tests;

/// <summary>The page in a real browser: type a description, get faces, edit them; screenshots are kept as artifacts.</summary>
public class BrowserTests
{
    /// <summary>Where the screenshots go (the test output folder, kept by CI with the test results).</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "screenshots");

    [BrowserFact]
    public void TypingADescriptionShowsFacesAndAnEditShowsBeforeAndAfter()
    {
        using var factory = new FaceServerFactory(kestrel: true);
        factory.StartServer();
        var address = factory.Address;

        var options = new ChromeOptions { BinaryLocation = BrowserFactAttribute.Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1100,900");
        using var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(BrowserFactAttribute.ChromeDriver)!, Path.GetFileName(BrowserFactAttribute.ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(60));

        driver.Navigate().GoToUrl(address);
        wait.Until(d => d.FindElement(By.Id("model")).Text.Contains("16x16"));

        var text = driver.FindElement(By.Id("text"));
        text.Clear();
        text.SendKeys("The man has black hair and a beard.");
        var count = driver.FindElement(By.Id("count"));
        count.Clear();
        count.SendKeys("3");
        driver.FindElement(By.Id("go")).Click();

        // Three images that the browser decoded (a broken PNG has naturalWidth 0), each with a download link.
        wait.Until(d => Decoded(d) == 3);
        Assert.Contains("3 images, 16x16", driver.FindElement(By.Id("status")).Text);
        Assert.Equal(3, driver.FindElements(By.CssSelector("#gallery a[download]")).Count);
        Assert.All(driver.FindElements(By.CssSelector("img.face")), img => Assert.Equal("The man has black hair and a beard.", img.GetAttribute("alt")));
        Directory.CreateDirectory(ScreenshotFolder);
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(ScreenshotFolder, "t2f-web-faces.png"));

        var edited = driver.FindElement(By.Id("edited"));
        edited.Clear();
        edited.SendKeys("The man has black hair, a beard and eyeglasses.");
        driver.FindElement(By.Id("apply")).Click();
        wait.Until(d => Decoded(d) == 6);
        Assert.Contains("before", driver.FindElements(By.CssSelector("figcaption span"))[0].Text);
        Assert.Contains("after", driver.FindElements(By.CssSelector("figcaption span"))[1].Text);
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(ScreenshotFolder, "t2f-web-edit.png"));

        // The address bar now links to these faces: opening it renders the same request.
        Assert.Contains("text=The+man+has+black+hair+and+a+beard.", driver.Url);
        driver.Navigate().GoToUrl(new Uri(address, "/?text=The%20woman%20is%20smiling.&seed=5&count=2&truncation=0.9"));
        wait.Until(d => Decoded(d) == 2);
        Assert.Equal("The woman is smiling.", driver.FindElement(By.Id("text")).GetAttribute("value"));
        Assert.Equal("0.9", driver.FindElement(By.Id("truncation")).GetAttribute("value"));

        // A bad request shows the server's message on the page instead of failing silently.
        text = driver.FindElement(By.Id("text"));
        text.Clear();
        text.SendKeys(" ");
        driver.FindElement(By.Id("go")).Click();
        wait.Until(d => d.FindElement(By.Id("status")).GetAttribute("class") == "error");
        Assert.Contains("'text' is required", driver.FindElement(By.Id("status")).Text);
    }

    private static long Decoded(IWebDriver driver)
        => (long)((IJavaScriptExecutor)driver).ExecuteScript("return [...document.querySelectorAll('img.face')].filter(i => i.complete && i.naturalWidth === 16).length;")!;
}
