// Uses the ScratchVae libraries as NuGet packages: lists the devices (ScratchVae.Kernels / Tensors), checks a
// gradient (ScratchVae.Autograd), and trains a small VAE on the MNIST digits embedded in ScratchVae.Vae.
using System.Globalization;
using ScratchVae.Autograd;
using ScratchVae.Autograd.Checking;
using ScratchVae.Tensors;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

int epochs = 2, limit = 2000, hidden = 128, latent = 8;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--epochs" when i + 1 < args.Length: epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--limit" when i + 1 < args.Length: limit = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--hidden" when i + 1 < args.Length: hidden = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--latent" when i + 1 < args.Length: latent = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine("usage: UsingPackages [--epochs 2] [--limit 2000] [--hidden 128] [--latent 8]");
            return 2;
    }
}

// ScratchVae.Tensors: the devices this machine offers.
foreach (var info in Device.List())
    Console.WriteLine($"device {info.Name,-10} {(info.Usable ? "usable" : "unusable")}: {(info.Usable ? info.Description : info.Reason)}");

// ScratchVae.Autograd: d/dx Σ tanh(x)² checked against central differences.
using (var x = Tensor<double>.FromArray([0.3, -1.2, 2.0, 0.7], Shape.Matrix(2, 2)))
{
    var check = GradCheck.Check(v => Ops.Sum(Ops.Square(Ops.Tanh(v[0]))), [x]);
    Console.WriteLine(check);
    if (!check.Passed) return 1;
}

// ScratchVae.Vae: a small VAE trained on the embedded MNIST digits.
var data = DataSources.Load("mnist");
data = data with { Train = data.Train.Take(limit), Test = data.Test.Take(Math.Max(100, limit / 10)) };
var model = new VaeOptions { HiddenSizes = [hidden], LatentSize = latent };
using var trainer = new Trainer(model, new TrainOptions { Epochs = epochs, Seed = 1 }, data, Device.Host);
Console.WriteLine($"training {model.InputSize}-{hidden}-{latent} on {data.Train.Count} images, testing on {data.Test.Count}");
var initial = trainer.Evaluate(data.Test);
Console.WriteLine(FormattableString.Invariant($"before training: test loss {initial.Loss:F2} nats per image"));
for (int epoch = 0; epoch < epochs; epoch++) Console.WriteLine(trainer.RunEpoch()!.ToLine());
double final = trainer.History[^1].TestLoss;
bool learned = final < initial.Loss;
Console.WriteLine(learned ? "the test loss went down" : "the test loss did NOT go down");
return learned ? 0 : 1;
