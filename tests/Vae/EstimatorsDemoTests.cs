using NUnit.Framework;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Demonstrations;
using ScratchVae.Vae.Model;

namespace ScratchVae.Tests.Vae;

/// <summary>
/// The page's claims about the two gradient estimators: both are unbiased (their means agree within their standard
/// errors, coordinate by coordinate), the score function's variance is far above the pathwise one's, and a baseline
/// removes most of it.
/// </summary>
[TestFixture]
public class EstimatorsDemoTests
{
    [Test]
    public void BothEstimatorsAreUnbiasedAndThePathwiseOneHasTheSmallerVariance()
    {
        var device = Device.Open("host");
        using var model = new VaeModel<float>(new VaeOptions { InputSize = 784, HiddenSizes = [32], LatentSize = 3 }, device, seed: 6);
        const int draws = 4000;
        var c = EstimatorsDemo.Compare(model, TrainingData.First(8, 8).Test, 8, draws, seed: 2);
        // Per coordinate: the pathwise and score means agree within five standard errors of their difference.
        double scoreError = Math.Sqrt((c.ScoreFunction.Variance + c.Pathwise.Variance) / draws);
        int outside = c.PathwiseMeans.Zip(c.ScoreMeans).Count(p => Math.Abs(p.First - p.Second) > 5 * scoreError);
        Assert.That(outside, Is.LessThanOrEqualTo(1), $"{outside} of {c.PathwiseMeans.Length} coordinates disagree; {c}");
        // With the baseline the comparison is sharp enough to see a bias: the gradients themselves stand far above the
        // standard error, and still every coordinate's two means agree within it.
        double baselineError = Math.Sqrt((c.ScoreFunctionWithBaseline.Variance + c.Pathwise.Variance) / draws);
        double typical = Math.Sqrt(c.PathwiseMeans.Average(m => m * m));
        Assert.That(typical, Is.GreaterThan(10 * baselineError), "the test can tell a biased estimator");
        int apart = c.PathwiseMeans.Zip(c.BaselineMeans).Count(p => Math.Abs(p.First - p.Second) > 5 * baselineError);
        Assert.That(apart, Is.LessThanOrEqualTo(1), $"{apart} of {c.PathwiseMeans.Length} coordinates disagree; {c}");
        Assert.That(c.ScoreFunction.Variance, Is.GreaterThan(10 * c.Pathwise.Variance), c.ToString());
        Assert.That(c.ScoreFunctionWithBaseline.Variance, Is.LessThan(c.ScoreFunction.Variance / 10), c.ToString());
    }
}
