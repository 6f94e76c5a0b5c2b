using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScratchVae.Tests.Support;

/// <summary>
/// Debian's chromium, headless, driven through the DevTools protocol (JSON over a WebSocket): navigate, evaluate
/// JavaScript in the page, take a screenshot. <see cref="Find"/> gives null where chromium is not installed, so a
/// test can skip with the reason.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    private readonly Process _process;
    private readonly ClientWebSocket _socket = new();
    private readonly string _profile;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The chromium executable on PATH, or null.</summary>
    public static string? Find()
    {
        foreach (string name in new[] { "chromium", "chromium-browser", "google-chrome" })
            foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                string candidate = Path.Combine(folder, name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>Starts a headless browser with a fresh profile and a blank page of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static async Task<HeadlessChromium> StartAsync(string executable, int width = 1400, int height = 1100)
    {
        string profile = Path.Combine(Path.GetTempPath(), "scratchvae-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
                 {
                     "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking", $"--window-size={width},{height}",
                     "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank",
                 })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        var browser = new HeadlessChromium(process, profile);
        try
        {
            // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            int port = 0;
            while (port == 0)
            {
                var read = process.StandardError.ReadLineAsync();
                if (await Task.WhenAny(read, Task.Delay(deadline - DateTime.UtcNow)) != read || read.Result is null)
                    throw new InvalidOperationException("chromium did not report its DevTools port within 30 s.");
                const string marker = "DevTools listening on ws://127.0.0.1:";
                int at = read.Result.IndexOf(marker, StringComparison.Ordinal);
                if (at >= 0) port = int.Parse(read.Result[(at + marker.Length)..].Split('/')[0]);
            }
            _ = Task.Run(() => process.StandardError.ReadToEndAsync());
            _ = Task.Run(() => process.StandardOutput.ReadToEndAsync());
            using var http = new HttpClient();
            var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
            string page = targets.First(t => (string?)t!["type"] == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
            await browser._socket.ConnectAsync(new Uri(page), CancellationToken.None);
            return browser;
        }
        catch
        {
            browser.Dispose();
            throw;
        }
    }

    /// <summary>Sends one DevTools command and returns its result (events in between are skipped).</summary>
    public async Task<JsonNode> SendAsync(string method, object? parameters = null)
    {
        int id = ++_nextId;
        var message = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _socket.SendAsync(message, WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var whole = new MemoryStream();
            WebSocketReceiveResult part;
            do
            {
                part = await _socket.ReceiveAsync(buffer, timeout.Token);
                whole.Write(buffer, 0, part.Count);
            } while (!part.EndOfMessage);
            var answer = JsonNode.Parse(Encoding.UTF8.GetString(whole.ToArray()))!;
            if ((int?)answer["id"] != id) continue;
            if (answer["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            return answer["result"]!;
        }
    }

    /// <summary>Opens <paramref name="address"/> in the page.</summary>
    public Task NavigateAsync(Uri address) => SendAsync("Page.navigate", new { url = address.ToString() });

    /// <summary>Evaluates <paramref name="expression"/> in the page, awaiting a promise, and returns its value (JSON).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, awaitPromise = true, returnByValue = true });
        if (result["exceptionDetails"] is { } details) throw new InvalidOperationException($"the page threw: {details.ToJsonString()}");
        return result["result"]!["value"];
    }

    /// <summary>Polls <paramref name="condition"/> until it is true, or fails after <paramref name="seconds"/>.</summary>
    public async Task WaitForAsync(string condition, double seconds = 30)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await EvaluateAsync($"Boolean({condition})") is JsonValue value && value.GetValue<bool>()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"the page did not reach '{condition}' within {seconds} s.");
    }

    /// <summary>A PNG of what the page shows.</summary>
    public async Task<byte[]> ScreenshotAsync() => Convert.FromBase64String((await SendAsync("Page.captureScreenshot", new { format = "png" }))["data"]!.GetValue<string>());

    /// <summary>Closes the browser and deletes its profile.</summary>
    public void Dispose()
    {
        try { _socket.Dispose(); } catch (ObjectDisposedException) { }
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
