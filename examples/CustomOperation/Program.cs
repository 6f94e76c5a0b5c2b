// A gradient-checked experiment: two new differentiable operations, verified against finite differences, then
// used to fit a small network. Shape legend: B points, H hidden units. x, y [B, 1]; W1 [1, H]; W2 [H, H]; W3 [H, 1].
using System.Globalization;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Examples.CustomOperation;
using ScratchVae.Tensors;

int steps = 400;
string deviceName = "host";
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--steps" when i + 1 < args.Length: steps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--device" when i + 1 < args.Length: deviceName = args[++i]; break;
        default:
            Console.Error.WriteLine("usage: CustomOperation [--steps 400] [--device host|cuda|opencl|ilgpu-cpu]");
            return 2;
    }
}
var device = Device.Open(deviceName);
bool ok = true;

// 1. Check both backward rules against central differences in float64 (GradCheck's defaults are PyTorch's).
var random = new Random(1);
double[] Values(int count) => Enumerable.Range(0, count).Select(_ =>
{
    double v = random.NextDouble() * 4 - 2;
    return Math.Abs(v) < 0.05 ? v + 0.1 : v; // keep away from the kink of the parametric ReLU at 0
}).ToArray();
using (var x = Tensor<double>.FromArray(Values(15), Shape.Matrix(3, 5), device))
using (var slopes = Tensor<double>.FromArray(Values(5), Shape.Vector(5), device))
{
    var swish = GradCheck.Check(v => Ops.Map<double, Swish>(v[0]), [x]);
    var parametricRelu = GradCheck.Check(v => ParametricRelu.Apply(v[0], v[1]), [x, slopes]);
    var wrong = GradCheck.Check(v => Ops.Map<double, SwishWithWrongDerivative>(v[0]), [x]);
    Console.WriteLine($"gradcheck swish:                 {swish}");
    Console.WriteLine($"gradcheck parametric relu:       {parametricRelu}");
    Console.WriteLine($"gradcheck swish, wrong rule:     {wrong}");
    if (!swish.Passed || !parametricRelu.Passed)
    {
        Console.Error.WriteLine("a correct backward rule failed the gradient check");
        ok = false;
    }
    if (wrong.Passed)
    {
        Console.Error.WriteLine("the gradient check did not catch the wrong derivative");
        ok = false;
    }
}

// 2. Use them: fit y = sin(2x) on [−2, 2] with x → swish(x W1 + b1) → prelu(h W2 + b2; a) → h W3 + b3, in float32.
const int points = 256, hidden = 32;
float[] inputs = Enumerable.Range(0, points).Select(i => -2f + 4f * i / (points - 1)).ToArray();
float[] targets = inputs.Select(v => MathF.Sin(2 * v)).ToArray();
Parameter<float> Uniform(string name, Shape shape, int fanIn) =>
    new(Tensor<float>.FromArray(Enumerable.Range(0, shape.Length).Select(_ => (float)((2 * random.NextDouble() - 1) / Math.Sqrt(fanIn))).ToArray(), shape, device), name);
var parameters = new List<Parameter<float>>
{
    Uniform("w1", Shape.Matrix(1, hidden), 1), Uniform("b1", Shape.Vector(hidden), 1),
    Uniform("w2", Shape.Matrix(hidden, hidden), hidden), Uniform("b2", Shape.Vector(hidden), hidden),
    new(Tensor<float>.Full(Shape.Vector(hidden), 0.25f, device), "slopes"),
    Uniform("w3", Shape.Matrix(hidden, 1), hidden), Uniform("b3", Shape.Vector(1), hidden),
};
var velocities = parameters.Select(p => Tensor<float>.Zeros(p.Shape, device)).ToList();
using var xs = Tensor<float>.FromArray(inputs, Shape.Matrix(points, 1), device);
using var ys = Tensor<float>.FromArray(targets, Shape.Matrix(points, 1), device);
const float learningRate = 0.05f, momentum = 0.9f;
double firstLoss = double.NaN, lastLoss = double.NaN;
using (var tape = new Tape())
{
    for (int step = 0; step <= steps; step++)
    {
        var x = Var<float>.Constant(xs);
        var h1 = Ops.Map<float, Swish>(Ops.MatMul(x, parameters[0]) + parameters[1]);
        var h2 = ParametricRelu.Apply(Ops.MatMul(h1, parameters[2]) + parameters[3], parameters[4]);
        var prediction = Ops.MatMul(h2, parameters[5]) + parameters[6];
        // loss = mean of (prediction − y)²
        var loss = Ops.Mean(Ops.Square(prediction - Var<float>.Constant(ys)));
        lastLoss = loss.Value.Item();
        if (step == 0) firstLoss = lastLoss;
        if (step % Math.Max(1, steps / 8) == 0 || step == steps)
            Console.WriteLine(FormattableString.Invariant($"step {step,5}  loss {lastLoss:F6}"));
        if (step == steps) break;
        loss.Backward();
        // SGD with momentum, from the backend's primitives: v ← g + μ v;  θ ← θ − lr v
        for (int k = 0; k < parameters.Count; k++)
        {
            var p = parameters[k];
            device.Backend.Axpby(1f, p.GradientOrZeros().Buffer, momentum, velocities[k].Buffer, p.Length);
            device.Backend.Axpby(-learningRate, velocities[k].Buffer, 1f, p.Value.Buffer, p.Length);
            p.ZeroGradient();
        }
        tape.Reset();
    }
}
foreach (var tensor in velocities) tensor.Dispose();
foreach (var parameter in parameters) parameter.Dispose();

bool learned = lastLoss < 0.1 * firstLoss;
Console.WriteLine(FormattableString.Invariant($"loss {firstLoss:F6} → {lastLoss:F6} after {steps} steps: {(learned ? "the network learned" : "NOT LEARNED")}"));
return ok && (learned || steps < 100) ? 0 : 1;
