using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ScratchVae.Tensors;
using ScratchVae.Tests.Demonstrations;
using ScratchVae.Vae.Explorer;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Vae.Explorer;

/// <summary>The explorer's HTTP side: what it serves, on which address, and how it refuses a bad request.</summary>
[TestFixture]
public class ExplorerServerTests
{
    private VaeModel<float> _model = null!;
    private LatentExplorer _explorer = null!;
    private ExplorerServer _server = null!;
    private HttpClient _http = null!;

    /// <summary>A port that was free a moment ago (the OS picks it).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [OneTimeSetUp]
    public void Start()
    {
        _model = new VaeModel<float>(new VaeOptions { InputSize = 784, HiddenSizes = [32], LatentSize = 4 }, Device.Host, seed: 5);
        _explorer = new LatentExplorer(_model, DemoData.Small.Test);
        _server = new ExplorerServer(_explorer, FreePort(), "a test model");
        _http = new HttpClient { BaseAddress = _server.Address };
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _http.Dispose();
        _server.Dispose();
        _model.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> Get(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Test]
    public void ItListensOnTheLoopbackAddressOnly()
    {
        Assert.That(_server.Address.Host, Is.EqualTo("127.0.0.1"));
        var addresses = Dns.GetHostAddresses(Dns.GetHostName()).Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)).ToList();
        foreach (var address in addresses)
        {
            using var client = new TcpClient();
            Assert.That(() => client.Connect(address, _server.Port), Throws.InstanceOf<SocketException>(), $"{address}:{_server.Port} must not answer");
        }
    }

    [Test]
    public async Task ThePageIsServedAndFetchesNothingFromElsewhere()
    {
        using var response = await _http.GetAsync("/");
        string page = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/html"));
        Assert.That(page, Does.Contain("<canvas id=\"decoded\""));
        Assert.That(page, Does.Not.Contain("http://").And.Not.Contain("https://").And.Not.Contain("//cdn"), "no CDN, no remote script");
    }

    [Test]
    public async Task TheModelDescriptionGivesTheSizesAndTheOrderOfTheDimensions()
    {
        var (status, body) = await Get("/api/model");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((int)body["latent"]!, Is.EqualTo(4));
        Assert.That(((int)body["height"]!, (int)body["width"]!, (int)body["testImages"]!), Is.EqualTo((28, 28, 128)));
        Assert.That(body["order"]!.AsArray().Select(v => (int)v!), Is.EqualTo(_explorer.Order));
        Assert.That(body["kl"]!.AsArray().Select(v => (double)v!), Is.EqualTo(_explorer.KlPerDimension));
    }

    [Test]
    public async Task DecodeAnswersTheEnginesPixelsForTheZAsked()
    {
        var (status, body) = await Get("/api/decode?z=0.5,-1.25,2,0.1");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var expected = _explorer.Decode([0.5, -1.25, 2, 0.1]).Pixels;
        Assert.That(body["pixels"]!.AsArray().Select(v => (float)v!), Is.EqualTo(expected), "float32 values survive the JSON round trip exactly");
        Assert.That(body["z"]!.AsArray().Select(v => (double)v!), Is.EqualTo(new[] { 0.5, -1.25, 2, 0.1 }));
    }

    [TestCase("/api/decode?z=1,2", "z has 2 numbers but the model's latent space has 4 dimensions")]
    [TestCase("/api/decode?z=1,2,abc,4", "z[2] is 'abc', not a finite number")]
    [TestCase("/api/decode?z=1,2,NaN,4", "z[2] is 'NaN', not a finite number")]
    [TestCase("/api/decode?z=1,2,3,-12", "z[3] = -12 is outside [-10, 10]")]
    [TestCase("/api/decode", "z is missing: give it as ?z=z0,z1,... with one number per latent dimension")]
    [TestCase("/api/test?index=128", "index must be a test image index in 0..127, not 128")]
    [TestCase("/api/test?index=two", "index is 'two', not a whole number")]
    [TestCase("/api/test", "index is missing")]
    [TestCase("/api/path?from=0&to=1&steps=1", "steps must be between 2 and 64, not 1")]
    [TestCase("/api/path?from=0", "to is missing")]
    public async Task ABadRequestGets400AndOneLineNamingTheProblem(string path, string message)
    {
        var (status, body) = await Get(path);
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)body["error"], Is.EqualTo(message));
    }

    [Test]
    public async Task AnUnknownPathGets404AndAnotherMethod405()
    {
        var (status, body) = await Get("/api/nothing");
        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((string?)body["error"], Does.StartWith("no such page: /api/nothing"));
        using var post = await _http.PostAsync("/api/model", new StringContent("{}"));
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [Test]
    public async Task RequestsThatOverlapAreAllAnsweredCorrectly()
    {
        var zs = Enumerable.Range(0, 24).Select(k => new[] { k / 10.0, -k / 20.0, 1, 0 }).ToList();
        var answers = await Task.WhenAll(zs.Select(z => Get("/api/decode?z=" + string.Join(",", z.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))))));
        for (int k = 0; k < zs.Count; k++)
        {
            Assert.That(answers[k].Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(answers[k].Body["pixels"]!.AsArray().Select(v => (float)v!), Is.EqualTo(_explorer.Decode(zs[k]).Pixels), $"request {k}");
        }
    }

    [Test]
    public void ATakenPortIsReportedAsSuch()
    {
        Assert.That(() => new ExplorerServer(_explorer, _server.Port, "again"), Throws.InstanceOf<HttpListenerException>());
    }
}
