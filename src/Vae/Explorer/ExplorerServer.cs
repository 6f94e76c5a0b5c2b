using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ScratchVae.Vae.Explorer;

/// <summary>
/// Serves the latent-space explorer on http://127.0.0.1:PORT/ only (never another interface): the page itself
/// (plain HTML and JavaScript from the assembly, nothing fetched from elsewhere) and a small JSON API that the page
/// calls, every answer computed by the engine on the server.
/// <list type="bullet">
/// <item><c>GET /api/model</c> — latent size, image size, test-image count, each dimension's mean KL and the order by it;</item>
/// <item><c>GET /api/decode?z=z0,z1,…</c> — decode(z): pixel means and the milliseconds the decoder took;</item>
/// <item><c>GET /api/test?index=i</c> — test image i, its μ and σ, and decode(μ);</item>
/// <item><c>GET /api/path?from=i&amp;to=j&amp;steps=n</c> — n images decoded along the line from μ(x_i) to μ(x_j).</item>
/// </list>
/// A request the explorer cannot answer gets 400 and a one-line reason (<c>{"error": "…"}</c>); requests run
/// concurrently and the explorer serialises the model's work.
/// </summary>
public sealed class ExplorerServer : IDisposable
{
    private readonly LatentExplorer _explorer;
    private readonly string _description;
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    // The answers are JSON read by the page's fetch, never embedded in HTML, so apostrophes and the like may stay as they are.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("explorer/explorer.html")
            ?? throw new InvalidOperationException("The explorer's page is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Starts serving on 127.0.0.1:<paramref name="port"/>; throws <see cref="HttpListenerException"/> when the port cannot be had.</summary>
    public ExplorerServer(LatentExplorer explorer, int port, string description)
    {
        ArgumentNullException.ThrowIfNull(explorer);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        _explorer = explorer;
        _description = description;
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>The page's address.</summary>
    public Uri Address => new($"http://127.0.0.1:{Port}/");

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var request = context.Request;
            if (request.HttpMethod != "GET")
            {
                Error(response, 405, $"{request.HttpMethod} is not supported; the explorer answers GET only");
                return;
            }
            string path = request.Url?.AbsolutePath ?? "/";
            switch (path)
            {
                case "/":
                case "/index.html":
                    Send(response, 200, "text/html; charset=utf-8", Page.Value);
                    break;
                case "/api/model":
                    Json(response, writer =>
                    {
                        writer.WriteString("description", _description);
                        writer.WriteNumber("latent", _explorer.Latent);
                        writer.WriteNumber("height", _explorer.Height);
                        writer.WriteNumber("width", _explorer.Width);
                        writer.WriteNumber("testImages", _explorer.TestCount);
                        writer.WriteNumber("maxMagnitude", LatentExplorer.MaxMagnitude);
                        writer.WriteNumber("maxPathSteps", LatentExplorer.MaxPathSteps);
                        Numbers(writer, "kl", _explorer.KlPerDimension);
                        Numbers(writer, "order", _explorer.Order.Select(j => (double)j));
                    });
                    break;
                case "/api/decode":
                {
                    var z = ParseZ(request.QueryString["z"]);
                    var image = _explorer.Decode(z);
                    Json(response, writer =>
                    {
                        Numbers(writer, "z", z);
                        Numbers(writer, "pixels", image.Pixels);
                        writer.WriteNumber("milliseconds", image.Milliseconds);
                    });
                    break;
                }
                case "/api/test":
                {
                    var view = _explorer.TestImage(ParseIndex(request.QueryString, "index"));
                    Json(response, writer =>
                    {
                        writer.WriteNumber("index", view.Index);
                        writer.WriteNumber("label", view.Label);
                        Numbers(writer, "pixels", view.Pixels);
                        Numbers(writer, "mu", view.Mu);
                        Numbers(writer, "sigma", view.Sigma);
                        Numbers(writer, "reconstruction", view.Reconstruction);
                    });
                    break;
                }
                case "/api/path":
                {
                    int from = ParseIndex(request.QueryString, "from"), to = ParseIndex(request.QueryString, "to");
                    int steps = request.QueryString["steps"] is null ? 10 : ParseIndex(request.QueryString, "steps");
                    var (z, pixels) = _explorer.Path(from, to, steps);
                    Json(response, writer =>
                    {
                        writer.WriteNumber("from", from);
                        writer.WriteNumber("to", to);
                        writer.WriteStartArray("z");
                        foreach (var row in z) Array(writer, row);
                        writer.WriteEndArray();
                        writer.WriteStartArray("images");
                        foreach (var row in pixels) Array(writer, row);
                        writer.WriteEndArray();
                    });
                    break;
                }
                default:
                    Error(response, 404, $"no such page: {path} (the explorer serves /, /api/model, /api/decode, /api/test and /api/path)");
                    break;
            }
        }
        catch (ExplorerRequestException refused)
        {
            Error(response, 400, refused.Message);
        }
        catch (Exception failure) when (failure is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The browser went away mid-answer; nothing to tell it.
        }
        catch (Exception failure)
        {
            Error(response, 500, $"{failure.GetType().Name}: {failure.Message.Split('\n')[0]}");
        }
        finally
        {
            try { response.Close(); } catch (Exception closing) when (closing is HttpListenerException or ObjectDisposedException or InvalidOperationException) { }
        }
    }

    /// <summary>Parses z = "z0,z1,…" into numbers; the explorer then checks its length and range.</summary>
    public static double[] ParseZ(string? text)
    {
        if (string.IsNullOrEmpty(text)) throw new ExplorerRequestException("z is missing: give it as ?z=z0,z1,... with one number per latent dimension");
        var parts = text.Split(',');
        var z = new double[parts.Length];
        for (int j = 0; j < parts.Length; j++)
            if (!double.TryParse(parts[j], NumberStyles.Float, CultureInfo.InvariantCulture, out z[j]) || !double.IsFinite(z[j]))
                throw new ExplorerRequestException($"z[{j}] is '{Shorten(parts[j])}', not a finite number");
        return z;
    }

    private static int ParseIndex(System.Collections.Specialized.NameValueCollection query, string name)
    {
        string? text = query[name];
        if (text is null) throw new ExplorerRequestException($"{name} is missing");
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw new ExplorerRequestException($"{name} is '{Shorten(text)}', not a whole number");
        return value;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static void Numbers(Utf8JsonWriter writer, string name, IEnumerable<double> values)
    {
        writer.WriteStartArray(name);
        foreach (double v in values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }

    private static void Numbers(Utf8JsonWriter writer, string name, float[] values)
    {
        writer.WritePropertyName(name);
        Array(writer, values);
    }

    private static void Array(Utf8JsonWriter writer, float[] values)
    {
        writer.WriteStartArray();
        foreach (float v in values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }

    private static void Json(HttpListenerResponse response, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        Send(response, 200, "application/json", buffer.ToArray());
    }

    private static void Error(HttpListenerResponse response, int status, string message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        }
        try { Send(response, status, "application/json", buffer.ToArray()); }
        catch (Exception failure) when (failure is HttpListenerException or ObjectDisposedException or InvalidOperationException) { }
    }

    private static void Send(HttpListenerResponse response, int status, string contentType, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.Headers["Cache-Control"] = "no-store";
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
    }

    /// <summary>Stops serving.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Stop(); } catch (ObjectDisposedException) { }
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _listener.Close();
        _stop.Dispose();
    }
}
