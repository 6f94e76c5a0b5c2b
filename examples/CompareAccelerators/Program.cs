// Compares the accelerators of this machine through the Device API: lists every device the engine sees, then times a
// square GEMM (C = A · B, n × n) and an elementwise map (y = sigmoid(x) over L elements) on each usable one, checks
// both against the host's results, and prints a table.
using System.Diagnostics;
using System.Globalization;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;

int size = 512, length = 1 << 22;
double budgetMilliseconds = 300;
bool emulator = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--size" when i + 1 < args.Length: size = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--length" when i + 1 < args.Length: length = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--milliseconds" when i + 1 < args.Length: budgetMilliseconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--emulator": emulator = true; break;
        default:
            Console.Error.WriteLine("usage: CompareAccelerators [--size 512] [--length 4194304] [--milliseconds 300] [--emulator]");
            return 2;
    }
}

var devices = Device.List();
Console.WriteLine($"{"device",-12} {"type",-10} {"usable",-6}  description / reason");
foreach (var info in devices)
    Console.WriteLine($"{info.Name,-12} {info.Type,-10} {(info.Usable ? "yes" : "no"),-6}  {(info.Usable ? info.Description : info.Reason)}");
Console.WriteLine();

// The ILGPU CPU accelerator emulates GPU threads one OS thread each: correct, but far too slow to compare at these sizes.
var candidates = devices.Where(d => d.Usable && (emulator || d.Type != "ilgpu-cpu")).ToList();
Console.WriteLine(FormattableString.Invariant($"GEMM {size}×{size}×{size} (float32) and sigmoid over {length:N0} elements; each timed for ≥ {budgetMilliseconds} ms after a warm-up run"));
Console.WriteLine($"{"device",-12} {"GEMM ms",10} {"GFLOP/s",9} {"map ms",9} {"GB/s",7}  {"max |GEMM - host|",18} {"max |map - host|",17}");
float[]? hostGemm = null, hostMap = null;
bool agree = true;
foreach (var info in candidates)
{
    var device = Device.Open(info.Name);
    using var a = Tensor<float>.Uniform(Shape.Matrix(size, size), seed: 1, device: device);
    using var b = Tensor<float>.Uniform(Shape.Matrix(size, size), seed: 2, device: device);
    using var c = Tensor<float>.Zeros(Shape.Matrix(size, size), device);
    using var x = Tensor<float>.Normal(Shape.Vector(length), seed: 3, device: device);
    using var y = Tensor<float>.Zeros(Shape.Vector(length), device);
    var backend = device.Backend;

    double gemmMilliseconds = Time(() => backend.Gemm(false, false, size, size, size, 1f, a.Buffer, b.Buffer, 0f, c.Buffer), device);
    double mapMilliseconds = Time(() => backend.Map<float, SigmoidOperator>(x.Buffer, y.Buffer, length), device);
    float[] gemm = c.ToArray(), map = y.ToArray();
    hostGemm ??= gemm;
    hostMap ??= map;
    double gemmDifference = MaxDifference(hostGemm, gemm), mapDifference = MaxDifference(hostMap, map);
    // Sums of n products of numbers in (0, 1] are ~n/4; different summation orders differ by a few float32 ulps of that.
    agree &= gemmDifference <= 1e-5 * size && mapDifference <= 1e-5;
    double gflops = 2.0 * size * size * size / (gemmMilliseconds * 1e6);
    double gigabytes = 2.0 * length * sizeof(float) / (mapMilliseconds * 1e6);
    Console.WriteLine(FormattableString.Invariant($"{info.Name,-12} {gemmMilliseconds,10:F3} {gflops,9:F1} {mapMilliseconds,9:F3} {gigabytes,7:F1}  {gemmDifference,18:E2} {mapDifference,17:E2}"));
}
if (!agree) Console.Error.WriteLine("a device disagrees with the host beyond float32 rounding");
return agree ? 0 : 1;

// Mean time of one call: one warm-up (JIT, kernel compilation), then repetitions until the budget is spent.
double Time(Action action, Device device)
{
    action();
    device.Synchronize();
    var clock = Stopwatch.StartNew();
    int repetitions = 0;
    do
    {
        action();
        device.Synchronize();
        repetitions++;
    }
    while (clock.Elapsed.TotalMilliseconds < budgetMilliseconds);
    return clock.Elapsed.TotalMilliseconds / repetitions;
}

static double MaxDifference(float[] expected, float[] actual)
{
    double worst = 0;
    for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
    return worst;
}
