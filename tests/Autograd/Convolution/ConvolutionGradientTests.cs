using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Autograd.Layers;
using ScratchVae.Tensors;
using ScratchVae.Tests.Autograd.Support;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Tests.Autograd.Convolution;

/// <summary>One convolution to check: x [N, C, H, W] and a square or rectangular kernel, stride, padding (and output padding when transposed).</summary>
public sealed record ConvolutionCase(int Batch, int Channels, int Height, int Width, int OutputChannels, (int H, int W) Kernel, (int H, int W) Stride,
    (int H, int W) Padding, bool Bias, (int H, int W) OutputPadding = default)
{
    public override string ToString() =>
        $"N{Batch} C{Channels} {Height}x{Width} -> O{OutputChannels} k{Kernel.H}x{Kernel.W} s{Stride.H}x{Stride.W} p{Padding.H}x{Padding.W}{(OutputPadding != default ? $" a{OutputPadding.H}x{OutputPadding.W}" : "")}{(Bias ? "" : " no-bias")}";
}

/// <summary>
/// Conv2d and ConvTranspose2d gradients against central finite differences in float64 (PyTorch's gradcheck defaults), on every
/// device, over strides 1–3, paddings 0–2, kernel sizes 1–5 (square and not), odd image sizes, one and several channels, batch 1
/// and more, with and without bias; also inputs whose gradient arrives from two uses, and the refusals of bad shapes.
/// </summary>
[TestFixtureSource(typeof(AutogradDevices), nameof(AutogradDevices.Names))]
public class ConvolutionGradientTests(string deviceName)
{
    private Device _device = null!;

    [OneTimeSetUp]
    public void OpenDevice() => _device = AutogradDevices.OpenOrIgnore(deviceName);

    public static readonly ConvolutionCase[] Convolutions =
    [
        new(1, 1, 5, 5, 1, (1, 1), (1, 1), (0, 0), true),
        new(2, 2, 5, 7, 3, (3, 3), (1, 1), (1, 1), true),
        new(1, 3, 7, 6, 2, (2, 2), (2, 2), (0, 0), false),
        new(2, 1, 9, 7, 2, (5, 5), (3, 3), (2, 2), true),
        new(1, 2, 6, 5, 1, (4, 4), (2, 2), (1, 1), true),
        new(1, 1, 3, 3, 2, (5, 5), (1, 1), (1, 1), true),   // a kernel larger than the image, not than the padded image
        new(3, 2, 4, 5, 2, (2, 3), (1, 2), (0, 1), true),   // rectangular kernel, stride and padding
        new(1, 2, 8, 8, 3, (3, 3), (3, 3), (2, 2), false),
        new(1, 2, 11, 9, 2, (4, 4), (2, 2), (1, 1), true),  // the VAE's kernel 4, stride 2, padding 1 on odd sizes
    ];

    public static readonly ConvolutionCase[] Transposed =
    [
        new(1, 1, 3, 3, 1, (3, 3), (1, 1), (0, 0), true),
        new(2, 2, 4, 5, 3, (4, 4), (2, 2), (1, 1), true),   // the VAE's decoder layers, small
        new(1, 3, 3, 4, 2, (3, 3), (2, 2), (0, 0), false, (1, 1)),
        new(1, 2, 3, 3, 2, (5, 5), (3, 3), (2, 2), true, (2, 2)),
        new(2, 1, 5, 3, 2, (2, 2), (1, 1), (1, 1), true),
        new(1, 2, 2, 2, 1, (1, 1), (2, 2), (0, 0), true, (1, 1)),
        new(3, 2, 3, 2, 2, (2, 3), (2, 1), (1, 0), true, (1, 0)),
    ];

    private (Tensor<double> X, Tensor<double> W, Tensor<double>? B, Tensor<double> Seed) Inputs(ConvolutionCase c, bool transposed, ulong seed)
    {
        var x = Tensor<double>.Normal(new Shape(c.Batch, c.Channels, c.Height, c.Width), seed, device: _device);
        var w = Tensor<double>.Normal(transposed ? new Shape(c.Channels, c.OutputChannels, c.Kernel.H, c.Kernel.W) : new Shape(c.OutputChannels, c.Channels, c.Kernel.H, c.Kernel.W), seed + 1, device: _device);
        var b = c.Bias ? Tensor<double>.Normal(Shape.Vector(c.OutputChannels), seed + 2, device: _device) : null;
        using var probe = Tape.NoGrad();
        var y = Forward(c, transposed, Var<double>.Constant(x), Var<double>.Constant(w), b is null ? null : Var<double>.Constant(b));
        var s = Tensor<double>.Normal(y.Shape, seed + 3, device: _device);
        return (x, w, b, s);
    }

    private static Var<double> Forward(ConvolutionCase c, bool transposed, Var<double> x, Var<double> w, Var<double>? b) => transposed
        ? Ops.ConvTranspose2d(x, w, b, (c.Stride.H, c.Stride.W), (c.Padding.H, c.Padding.W), (c.OutputPadding.H, c.OutputPadding.W))
        : Ops.Conv2d(x, w, b, (c.Stride.H, c.Stride.W), (c.Padding.H, c.Padding.W));

    [TestCaseSource(nameof(Convolutions))]
    public void Conv2dGradientsMatchFiniteDifferences(ConvolutionCase c) => Check(c, transposed: false);

    [TestCaseSource(nameof(Transposed))]
    public void ConvTranspose2dGradientsMatchFiniteDifferences(ConvolutionCase c) => Check(c, transposed: true);

    private void Check(ConvolutionCase c, bool transposed)
    {
        var (x, w, b, s) = Inputs(c, transposed, StableSeed(c));
        using (x) using (w) using (b) using (s)
        {
            Tensor<double>[] inputs = b is null ? [x, w] : [x, w, b];
            // L = ⟨s, y⟩ with a random s, so every output element's gradient is weighted differently.
            var result = GradCheck.Check(v => Ops.Sum(Forward(c, transposed, v[0], v[1], v.Count == 3 ? v[2] : null) * Var<double>.Constant(s)), inputs);
            Assert.That(result.Passed, Is.True, $"{c}: {result}");
        }
    }

    // A seed from the case's text (string.GetHashCode differs between processes).
    private static ulong StableSeed(ConvolutionCase c) => c.ToString().Aggregate(17UL, (h, ch) => h * 31 + ch) % 100_000;

    [Test]
    public void AnInputUsedTwiceGetsBothContributions([Values] bool transposed)
    {
        var c = transposed ? Transposed[1] : Convolutions[1];
        var (x, w, b, s) = Inputs(c, transposed, 7);
        using (x) using (w) using (b) using (s)
        {
            // x feeds two convolutions (the second contribution adds), and w both of them.
            var result = GradCheck.Check(v =>
            {
                var first = Forward(c, transposed, v[0], v[1], v[2]);
                var second = Forward(c, transposed, Ops.Square(v[0]), v[1], null);
                return Ops.Sum((first + second) * Var<double>.Constant(s));
            }, [x, w, b!]);
            Assert.That(result.Passed, Is.True, result.ToString());
        }
    }

    [Test]
    public void LayersPassTheModuleGradientCheck()
    {
        var init = new Initializer(_device, 3);
        using var model = new Sequential<double>(
            new Conv2d<double>(2, 3, 4, init, stride: 2, padding: 1), new Activation<double, TanhOperator>(),
            new ConvTranspose2d<double>(3, 1, 4, init, stride: 2, padding: 1));
        using var x = Tensor<double>.Normal(new Shape(2, 2, 6, 5), 11, device: _device);
        var result = GradCheck.AssertModule(model, () =>
        {
            var y = model.Forward(Var<double>.Constant(x));
            Assert.That(y.Shape, Is.EqualTo(new Shape(2, 1, 6, 4)));
            return Ops.Sum(Ops.Square(y));
        });
        Assert.That(result.InputNames, Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }));
    }

    [Test]
    public void BadShapesAreRefusedNamingTheLayerAndTheShapes()
    {
        var init = new Initializer(_device, 5);
        using var conv = new Conv2d<double>(2, 4, 5, init, stride: 1, padding: 1);
        using var deconv = new ConvTranspose2d<double>(3, 2, 4, init, stride: 2, padding: 1);
        using var scope = Tape.NoGrad();
        using var small = Tensor<double>.Zeros(new Shape(1, 2, 2, 3), _device);
        using var wrongChannels = Tensor<double>.Zeros(new Shape(1, 3, 8, 8), _device);
        using var flat = Tensor<double>.Zeros(Shape.Matrix(2, 64), _device);
        Assert.That(() => conv.Forward(Var<double>.Constant(small)),
            Throws.ArgumentException.With.Message.Contain("Conv2d(2 → 4, kernel 5, stride 1, padding 1): the kernel 5×5 is larger than the padded input 4×5 (input [1, 2, 2, 3])"));
        Assert.That(() => conv.Forward(Var<double>.Constant(wrongChannels)),
            Throws.ArgumentException.With.Message.Contain("Conv2d(2 → 4, kernel 5, stride 1, padding 1): the input has shape [1, 3, 8, 8], 3 channels, but the layer takes 2"));
        Assert.That(() => deconv.Forward(Var<double>.Constant(flat)),
            Throws.ArgumentException.With.Message.Contain("ConvTranspose2d(3 → 2, kernel 4, stride 2, padding 1): the input has shape [2, 64] but must be 4-D [N, 3, H, W]"));
        Assert.That(() => deconv.Forward(Var<double>.Constant(small)),
            Throws.ArgumentException.With.Message.Contain("ConvTranspose2d(3 → 2, kernel 4, stride 2, padding 1): the input has shape [1, 2, 2, 3], 2 channels, but the layer takes 3"));
        // The operations themselves name the operation and every shape.
        Assert.That(() => Ops.Conv2d(Var<double>.Constant(small), conv.Weight, null, 1, 0),
            Throws.ArgumentException.With.Message.Contain("conv2d: the kernel 5×5 (weight [4, 2, 5, 5]) is larger than the padded input 2×3 (input [1, 2, 2, 3], padding (0, 0))"));
        Assert.That(() => Ops.Conv2d(Var<double>.Constant(wrongChannels), conv.Weight),
            Throws.ArgumentException.With.Message.Contain("conv2d: the input [1, 3, 8, 8] has 3 channels but the weight [4, 2, 5, 5] ([out, in, KH, KW]) expects 2"));
        Assert.That(() => Ops.Conv2d(Var<double>.Constant(flat), conv.Weight),
            Throws.ArgumentException.With.Message.Contain("conv2d: the input must be 4-D [N, C, H, W] but has shape [2, 64]"));
        Assert.That(() => Ops.Conv2d(Var<double>.Constant(wrongChannels), Var<double>.Constant(flat)),
            Throws.ArgumentException.With.Message.Contain("conv2d: the weight must be 4-D [out, in, KH, KW] but has shape [2, 64]"));
        Assert.That(() => Ops.Conv2d(Var<double>.Constant(small), Var<double>.Constant(small), conv.Bias, 1, 2),
            Throws.ArgumentException.With.Message.Contain("conv2d: the bias must be [1] for the weight [1, 2, 2, 3] but has shape [4]"));
        Assert.That(() => Ops.ConvTranspose2d(Var<double>.Constant(wrongChannels), deconv.Weight, deconv.Bias, 2, 1, outputPadding: 2),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contain("conv_transpose2d: the output padding must be ≥ 0 and smaller than the stride (2, 2) but is (2, 2)"));
        Assert.That(() => Ops.ConvTranspose2d(Var<double>.Constant(Tensor<double>.Zeros(new Shape(1, 3, 1, 1), _device)), deconv.Weight, null, 1, 3),
            Throws.ArgumentException.With.Message.Contain("conv_transpose2d: the output would be -2×-2 pixels"));
        Assert.That(() => Ops.Conv2d(Var<double>.Constant(wrongChannels), Var<double>.Constant(wrongChannels), null, 0, 0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contain("conv2d: the stride must be ≥ 1 but is (0, 0)"));
    }

    [Test]
    public void LayersAreInitialisedAsPyTorchDoes()
    {
        var init = new Initializer(_device, 9);
        using var conv = new Conv2d<double>(32, 64, 4, init, stride: 2, padding: 1);
        using var deconv = new ConvTranspose2d<double>(64, 32, 4, init, stride: 2, padding: 1);
        Assert.That(conv.NamedParameters().Select(p => (p.Name, p.Parameter.Shape)), Is.EqualTo(new[] { ("weight", new Shape(64, 32, 4, 4)), ("bias", Shape.Vector(64)) }));
        Assert.That(deconv.NamedParameters().Select(p => (p.Name, p.Parameter.Shape)), Is.EqualTo(new[] { ("weight", new Shape(64, 32, 4, 4)), ("bias", Shape.Vector(32)) }));
        // PyTorch: U(−1/√fan_in, 1/√fan_in) for both, fan_in = size(1) · K · K (in·K·K for conv, out·K·K for the transposed conv).
        foreach (var (parameter, fanIn) in new[] { (conv.Weight, 32 * 16), (conv.Bias!, 32 * 16), (deconv.Weight, 32 * 16), (deconv.Bias!, 32 * 16) })
        {
            var values = parameter.Value.ToArray();
            double bound = 1 / Math.Sqrt(fanIn);
            Assert.That(values.Max(), Is.LessThanOrEqualTo(bound).And.GreaterThan(0.8 * bound));
            Assert.That(values.Min(), Is.GreaterThanOrEqualTo(-bound).And.LessThan(-0.8 * bound));
        }
        Assert.That(conv.OutputSize(28), Is.EqualTo(14));
        Assert.That(deconv.OutputSize(7), Is.EqualTo(14));
    }
}
