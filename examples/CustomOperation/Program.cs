// A gradient-checked experiment: two new differentiable operations, verified against finite differences, then
// used to fit a small network built from the engine's layers and trained with its SGD. Shape legend: B points, H hidden
// units. x, y [B, 1]; W1 [H, 1]; W2 [H, H]; W3 [1, H] (nn.Linear's [out, in] layout).
using System.Globalization;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Autograd.Layers;
using ScratchVae.Autograd.Optimizers;
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

// 2. Use them: fit y = sin(2x) on [−2, 2] with x → swish(x W1ᵀ + b1) → prelu(h W2ᵀ + b2; a) → h W3ᵀ + b3, in float32,
//    built from the engine's layers and trained with its SGD (momentum 0.9), as one would with torch.nn and torch.optim.
const int points = 256, hidden = 32;
float[] inputs = Enumerable.Range(0, points).Select(i => -2f + 4f * i / (points - 1)).ToArray();
float[] targets = inputs.Select(v => MathF.Sin(2 * v)).ToArray();
using var model = new Fit(new Initializer(device, seed: 1), hidden);
using var optimizer = new Sgd<float>(model.NamedParameters(), learningRate: 0.05, momentum: 0.9);
using var xs = Tensor<float>.FromArray(inputs, Shape.Matrix(points, 1), device);
using var ys = Tensor<float>.FromArray(targets, Shape.Matrix(points, 1), device);
double firstLoss = double.NaN, lastLoss = double.NaN;
using (var tape = new Tape())
{
    for (int step = 0; step <= steps; step++)
    {
        // loss = mean of (prediction − y)²
        var loss = Ops.Mean(Ops.Square(model.Forward(Var<float>.Constant(xs)) - Var<float>.Constant(ys)));
        lastLoss = loss.Value.Item();
        if (step == 0) firstLoss = lastLoss;
        if (step % Math.Max(1, steps / 8) == 0 || step == steps)
            Console.WriteLine(FormattableString.Invariant($"step {step,5}  loss {lastLoss:F6}"));
        if (step == steps) break;
        loss.Backward();
        optimizer.Step();          // b ← μ b + g;  θ ← θ − lr b, one fused pass per parameter
        optimizer.ZeroGradients();
        tape.Reset();
    }
}

bool learned = lastLoss < 0.1 * firstLoss;
Console.WriteLine(FormattableString.Invariant($"loss {firstLoss:F6} → {lastLoss:F6} after {steps} steps: {(learned ? "the network learned" : "NOT LEARNED")}"));
return ok && (learned || steps < 100) ? 0 : 1;

/// <summary>The network of step 2: the layers are the engine's; Swish and the parametric ReLU are this example's own.</summary>
internal sealed class Fit : Module<float>
{
    private readonly Sequential<float> _first;
    private readonly Linear<float> _second, _output;
    private readonly Parameter<float> _slopes;

    public Fit(Initializer init, int hidden)
    {
        _first = AddModule("first", new Sequential<float>(new Linear<float>(1, hidden, init), new Activation<float, Swish>()));
        _second = AddModule("second", new Linear<float>(hidden, hidden, init));
        _slopes = AddParameter("slopes", Tensor<float>.Full(Shape.Vector(hidden), 0.25f, init.Device));
        _output = AddModule("output", new Linear<float>(hidden, 1, init));
    }

    public Var<float> Forward(Var<float> x) => _output.Forward(ParametricRelu.Apply(_second.Forward(_first.Forward(x)), _slopes));
}
