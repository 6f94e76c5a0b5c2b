using System.Text.Json.Nodes;
using ScratchVae.Tensors;
using ScratchVae.Tests.Demonstrations;
using ScratchVae.Tests.Support;
using ScratchVae.Vae.Explorer;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Vae.Explorer;

/// <summary>
/// The explorer's page in a real browser (Debian's chromium, headless): it loads, a slider moved as a user moves it
/// changes the picture, and the picture is the engine's decode of the z the sliders show. Skipped, with the reason,
/// where chromium is not installed (.ci/run installs it).
/// </summary>
[TestFixture]
[NonParallelizable]
public class ExplorerBrowserTests
{
    private VaeModel<float> _model = null!;
    private LatentExplorer _explorer = null!;
    private ExplorerServer _server = null!;
    private HeadlessChromium _browser = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        string? chromium = HeadlessChromium.Find();
        if (chromium is null) Assert.Ignore("chromium is not installed (apt-get install chromium); the explorer's page is not tested in a browser here");
        _model = new VaeModel<float>(new VaeOptions { InputSize = 784, HiddenSizes = [64], LatentSize = 6 }, Device.Host, seed: 11);
        _explorer = new LatentExplorer(_model, DemoData.Small.Test);
        _server = new ExplorerServer(_explorer, ExplorerServerTests.FreePort(), "a test model");
        _browser = await HeadlessChromium.StartAsync(chromium);
        await _browser.SendAsync("Page.enable");
        await _browser.NavigateAsync(_server.Address);
        await _browser.WaitForAsync("window.explorer && window.explorer.ready");
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _browser?.Dispose();
        _server?.Dispose();
        _model?.Dispose();
    }

    // The grey levels of a canvas's 28×28 source image, as the page drew them.
    private async Task<int[]> Levels(string canvasId)
    {
        var value = await _browser.EvaluateAsync(
            $"Array.from(document.getElementById('{canvasId}').source.getContext('2d').getImageData(0, 0, 28, 28).data).filter((_, i) => i % 4 === 0)");
        return value!.AsArray().Select(v => (int)v!).ToArray();
    }

    private static int[] ExpectedLevels(float[] pixels) =>
        pixels.Select(p => (int)Math.Round(255.0 * Math.Clamp((double)p, 0, 1), MidpointRounding.AwayFromZero)).ToArray();

    private async Task<double[]> PageZ() => (await _browser.EvaluateAsync("window.explorer.z"))!.AsArray().Select(v => (double)v!).ToArray();

    [Test, Order(1)]
    public async Task ThePageStartsAtZZeroAndShowsItsDecode()
    {
        Assert.That(await PageZ(), Is.EqualTo(new double[6]));
        Assert.That(await Levels("decoded"), Is.EqualTo(ExpectedLevels(_explorer.Decode(new double[6]).Pixels)));
        int sliders = (int)(await _browser.EvaluateAsync("document.querySelectorAll('#sliders input[type=range]').length"))!;
        Assert.That(sliders, Is.EqualTo(6), "one slider per latent dimension");
        var firstLabel = (string)(await _browser.EvaluateAsync("document.querySelector('#sliders .slider span').textContent"))!;
        Assert.That(firstLabel, Does.StartWith($"z{Subscript(_explorer.Order[0] + 1)} "), "the most used dimension comes first");
    }

    [Test, Order(2)]
    public async Task MovingASliderChangesTheImageToTheEnginesDecodeOfTheNewZ()
    {
        var before = await Levels("decoded");
        int dimension = _explorer.Order[0];
        await _browser.EvaluateAsync($$"""
            (async () => {
              const slider = document.getElementById('z{{dimension}}');
              slider.value = '2.5';
              slider.dispatchEvent(new Event('input', { bubbles: true }));
              await window.explorer.idle();
            })()
            """);
        var z = await PageZ();
        var expectedZ = new double[6];
        expectedZ[dimension] = 2.5;
        Assert.That(z, Is.EqualTo(expectedZ));
        var engine = _explorer.Decode(z).Pixels;
        var shownPixels = (await _browser.EvaluateAsync("window.explorer.lastPixels"))!.AsArray().Select(v => (float)v!).ToArray();
        Assert.That(shownPixels, Is.EqualTo(engine), "the page holds the engine's pixels for this z");
        var after = await Levels("decoded");
        Assert.That(after, Is.EqualTo(ExpectedLevels(engine)), "and draws them");
        Assert.That(after, Is.Not.EqualTo(before), "the image changed");
        string shownValue = (string)(await _browser.EvaluateAsync($"document.getElementById('v{dimension}').textContent"))!;
        Assert.That(shownValue, Is.EqualTo("2.50"));
    }

    [Test, Order(3)]
    public async Task ThePadSetsTwoDimensionsAtOnce()
    {
        // A click at three quarters of the width and a quarter of the height: x = +1.5, y = +1.5 on the ±3 axes.
        await _browser.EvaluateAsync("""
            (async () => {
              const pad = document.getElementById('pad'), box = pad.getBoundingClientRect();
              pad.dispatchEvent(new MouseEvent('mousedown', { clientX: box.left + 0.75 * box.width, clientY: box.top + 0.25 * box.height, buttons: 1, bubbles: true }));
              await window.explorer.idle();
            })()
            """);
        var z = await PageZ();
        int x = _explorer.Order[0], y = _explorer.Order[1];
        Assert.That(z[x], Is.EqualTo(1.5).Within(0.05));
        Assert.That(z[y], Is.EqualTo(1.5).Within(0.05));
        Assert.That(await Levels("decoded"), Is.EqualTo(ExpectedLevels(_explorer.Decode(z).Pixels)));
    }

    [Test, Order(4)]
    public async Task TheTestImagePanelShowsTheImageAndItsReconstruction()
    {
        await _browser.EvaluateAsync("(async () => { document.getElementById('testIndex').value = '5'; await showTest(); })()");
        var view = _explorer.TestImage(5);
        Assert.That(await Levels("original"), Is.EqualTo(ExpectedLevels(view.Pixels)));
        Assert.That(await Levels("reconstruction"), Is.EqualTo(ExpectedLevels(view.Reconstruction)));
        int rows = (int)(await _browser.EvaluateAsync("document.querySelectorAll('#posterior tr').length"))!;
        Assert.That(rows, Is.EqualTo(7), "a header and one μ, σ row per dimension");
    }

    [Test, Order(5)]
    public async Task ThePathShowsItsStepsAndABadRequestIsShownAsItsMessage()
    {
        int images = (int)(await _browser.EvaluateAsync("document.querySelectorAll('#path canvas').length"))!;
        Assert.That(images, Is.EqualTo(10));
        await _browser.EvaluateAsync("(async () => { document.getElementById('pathSteps').value = '1'; await showPath(); })()");
        Assert.That((string)(await _browser.EvaluateAsync("document.getElementById('error').textContent"))!, Is.EqualTo("steps must be between 2 and 64, not 1"));
    }

    [Test, Order(6)]
    public async Task AScreenshotIsAPicture()
    {
        byte[] png = await _browser.ScreenshotAsync();
        Assert.That(png.Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "explorer.png");
        await File.WriteAllBytesAsync(path, png);
        TestContext.AddTestAttachment(path, "the explorer in headless chromium");
    }

    private static string Subscript(int n) => string.Concat(n.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(d => "₀₁₂₃₄₅₆₇₈₉"[d - '0']));
}
