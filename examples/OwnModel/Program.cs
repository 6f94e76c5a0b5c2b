// A model that ScratchVae does not ship: a conditional VAE (Sohn et al. 2015) whose encoder q(z | x, y) and decoder
// p(x | z, y) both see the digit's label y, built only from the engine's layers and optimizers, gradient-checked with
// one call, trained on the embedded MNIST digits, and asked to classify digits by which label explains them best.
// Shape legend: B examples, D = 784 pixels, C = 10 labels, H hidden units, Z latents. x [B, D]; y [B, C]; z, eps [B, Z].
using System.Globalization;
using System.Numerics;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Autograd.Layers;
using ScratchVae.Autograd.Optimizers;
using ScratchVae.Kernels.Operators;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;

int epochs = 3, limit = 3000, batch = 100;
string deviceName = "host";
for (int i = 0; i + 1 < args.Length; i += 2)
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--limit": limit = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--device": deviceName = args[i + 1]; break;
        default: Console.Error.WriteLine("usage: OwnModel [--epochs 3] [--limit 3000] [--device host|cuda|opencl|ilgpu-cpu]"); return 2;
    }
var device = Device.Open(deviceName);

// 1. The loss's gradient with respect to every parameter, in float64 on a tiny copy of the architecture.
using (var tiny = new ConditionalVae<double>(pixels: 6, labels: 3, hidden: 5, latent: 2, new Initializer(device, 1)))
using (var x = Tensor<double>.Uniform(Shape.Matrix(4, 6), 2, device: device))
using (var y = OneHot<double>([0, 2, 1, 2], 3, device))
using (var eps = Tensor<double>.Normal(Shape.Matrix(4, 2), 3, device: device))
{
    var check = GradCheck.CheckModule(tiny, () => Ops.Sum(tiny.NegativeElbo(Var<double>.Constant(x), Var<double>.Constant(y), eps)));
    Console.WriteLine($"gradcheck of the conditional VAE's loss w.r.t. all {tiny.NamedParameters().Count} parameters: {check}");
    if (!check.Passed) return 1;
}

// 2. Train on the embedded digits with AdamW, a warm-up then a cosine schedule, and clipping.
var data = DataSources.Load("mnist");
var (train, test) = (data.Train.Take(limit), data.Test.Take(Math.Max(200, limit / 10)));
using var model = new ConditionalVae<float>(784, 10, 256, 8, new Initializer(device, 7));
int steps = epochs * (train.Count / batch);
using var optimizer = new AdamW<float>(model.NamedParameters(), learningRate: 2e-3, weightDecay: 1e-4)
{
    Schedule = new WarmupThen(new LinearWarmup(20, startFactor: 0.1), new CosineAnnealing(Math.Max(1, steps - 20))),
};
using var images = Tensor<float>.Empty(Shape.Matrix(batch, 784), device);
using var labels = Tensor<float>.Empty(Shape.Matrix(batch, 10), device);
using var noise = Tensor<float>.Empty(Shape.Matrix(batch, 8), device);
var order = Enumerable.Range(0, train.Count).ToArray();
var random = new Random(11);
var pixels = new float[batch * 784];
var oneHot = new float[batch * 10];
using var tape = new Tape();
Console.WriteLine($"test -ELBO before training: {Evaluate(model, test):F2} nats per image");
for (int epoch = 1, step = 0; epoch <= epochs; epoch++)
{
    random.Shuffle(order);
    double sum = 0;
    for (int start = 0; start + batch <= train.Count; start += batch, step++)
    {
        Array.Clear(oneHot);
        for (int r = 0; r < batch; r++)
        {
            train.CopyImage(order[start + r], pixels.AsSpan(r * 784, 784));
            oneHot[r * 10 + train.Labels[order[start + r]]] = 1;
        }
        device.Backend.Upload<float>(pixels, images.Buffer);
        device.Backend.Upload<float>(oneHot, labels.Buffer);
        device.Backend.NormalFill(noise.Buffer, 0, noise.Length, 5, (ulong)step << 16, 0f, 1f);
        var loss = Ops.Sum(model.NegativeElbo(Var<float>.Constant(images), Var<float>.Constant(labels), noise));
        sum += loss.Value.Item();
        loss.Backward();
        optimizer.ClipGradientNorm(1000);
        optimizer.Step();
        optimizer.ZeroGradients();
        tape.Reset();
    }
    Console.WriteLine(FormattableString.Invariant($"epoch {epoch}: train -ELBO {sum / (train.Count / batch * batch):F2}, test -ELBO {Evaluate(model, test):F2}, lr {optimizer.LearningRate:G3}"));
}

// 3. The label enters the likelihood, so the label with the best bound classifies the digit: argmax_y ELBO(x, y).
int correct = 0;
using (Tape.NoGrad())
using (var x = Tensor<float>.FromArray(test.Pixels.AsSpan(0, test.Count * 784), Shape.Matrix(test.Count, 784), device))
using (var zero = Tensor<float>.Zeros(Shape.Matrix(test.Count, 8), device))
{
    var losses = Enumerable.Range(0, 10).Select(c =>
    {
        using var y = OneHot<float>(Enumerable.Repeat(c, test.Count).ToArray(), 10, device);
        return model.NegativeElbo(Var<float>.Constant(x), Var<float>.Constant(y), zero).Value.ToArray();
    }).ToArray();
    for (int i = 0; i < test.Count; i++)
        if (Enumerable.Range(0, 10).MinBy(c => losses[c][i]) == test.Labels[i]) correct++;
}
double accuracy = (double)correct / test.Count;
Console.WriteLine(FormattableString.Invariant($"digits classified by their best label: {accuracy:P1} of {test.Count} test images (chance 10%)"));
return accuracy > 0.5 || epochs * limit < 3000 ? 0 : 1;

static double Evaluate(ConditionalVae<float> model, ImageDataSet set)
{
    using var scope = Tape.NoGrad();
    using var x = Tensor<float>.FromArray(set.Pixels.AsSpan(0, set.Count * 784), Shape.Matrix(set.Count, 784), model.Device!);
    using var y = OneHot<float>(set.Labels.Select(l => (int)l).ToArray(), 10, model.Device!);
    using var eps = Tensor<float>.Normal(Shape.Matrix(set.Count, 8), 9, device: model.Device);
    return model.NegativeElbo(Var<float>.Constant(x), Var<float>.Constant(y), eps).Value.ToArray().Average();
}

static Tensor<T> OneHot<T>(int[] labels, int count, Device device) where T : unmanaged, IFloatingPointIeee754<T>
{
    var values = new T[labels.Length * count];
    for (int i = 0; i < labels.Length; i++) values[i * count + labels[i]] = T.One;
    return Tensor<T>.FromArray(values, Shape.Matrix(labels.Length, count), device);
}

/// <summary>q(z | x, y) = N(μ, σ²) from [x, y]; p(x | z, y) = Bernoulli(sigmoid(decoder([z, y]))).</summary>
internal sealed class ConditionalVae<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Sequential<T> _encoder, _decoder;
    private readonly Linear<T> _mu, _logVar;

    public ConditionalVae(int pixels, int labels, int hidden, int latent, Initializer init)
    {
        _encoder = AddModule("encoder", new Sequential<T>(new Linear<T>(pixels + labels, hidden, init), new Activation<T, ReluOperator>()));
        _mu = AddModule("mu", new Linear<T>(hidden, latent, init));
        _logVar = AddModule("logvar", new Linear<T>(hidden, latent, init));
        _decoder = AddModule("decoder", new Sequential<T>(new Linear<T>(latent + labels, hidden, init), new Activation<T, ReluOperator>(), new Linear<T>(hidden, pixels, init)));
    }

    /// <summary>−ELBO per example [B]: −log p(x | z, y) + KL(q(z | x, y) ‖ N(0, I)), with z = μ + σ ⊙ ε.</summary>
    public Var<T> NegativeElbo(Var<T> x, Var<T> y, Tensor<T> eps)
    {
        var h = _encoder.Forward(Ops.ConcatenateColumns(x, y));
        var (mu, logVar) = (_mu.Forward(h), _logVar.Forward(h));
        var logits = _decoder.Forward(Ops.ConcatenateColumns(Ops.Reparameterize(mu, logVar, eps), y));
        return Ops.KlDivergenceToStandardNormal(mu, logVar) - Ops.BernoulliLogLikelihood(logits, x);
    }
}
