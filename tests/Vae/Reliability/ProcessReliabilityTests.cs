using System.Globalization;
using ScratchVae.Tensors;
using ScratchVae.Tests.Vae.Support;
using ScratchVae.Vae.Checkpoints;
using ScratchVae.Vae.Data;
using ScratchVae.Vae.Model;
using ScratchVae.Vae.Training;

namespace ScratchVae.Tests.Vae.Reliability;

/// <summary>
/// Real processes, killed and interrupted: a save killed at any instant leaves the old complete set or the new one; a
/// run stopped by Ctrl-C, SIGTERM or kill -9 and resumed ends with the bits of an uninterrupted run; a second trainer
/// on the same folder is refused and the first's results are untouched.
/// </summary>
[TestFixture, NonParallelizable]
public class ProcessReliabilityTests
{
    // 80 steps an epoch of about a millisecond each, every step printed, one thread so that the bits do not depend on
    // the machine's cores. A signal sent at step 100 lands tens of steps before the end of epoch 2.
    private static readonly string[] Run = ["--limit", "2560", "--batch", "32", "--hidden", "400", "--latent", "4", "--threads", "1", "--device", "host", "--no-images", "--log-steps", "100000"];
    private TemporaryFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TemporaryFolder();

    [TearDown]
    public void RemoveFolder() => _folder.Dispose();

    private static (float[] Data, string Metrics) Final(string folder)
    {
        var info = Checkpoint.ReadInfo(folder);
        var weights = Checkpoint.ReadWeights(folder, info).SelectMany(t => t.ValuesAs<float>()).ToArray();
        var metrics = string.Join("\n", Checkpoint.ReadMetrics(folder).Select(m => m with { Seconds = 0 }));
        return (weights, metrics);
    }

    private string Uninterrupted(int epochs)
    {
        string folder = _folder["straight"];
        using var child = ChildTrainer.Start(["train", "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--out", folder, .. Run]);
        Assert.That(child.WaitForExit(), Is.EqualTo(0), child.Error);
        return folder;
    }

    [TestCase("INT", 130, TestName = "CtrlC")]
    [TestCase("TERM", 130, TestName = "Sigterm")]
    [TestCase("KILL", 137, TestName = "Kill9")]
    public void AnInterruptedRunResumesToTheBitsOfAnUninterruptedOne(string signal, int exitCode)
    {
        var straight = Final(Uninterrupted(3));
        string folder = _folder["interrupted"];
        using (var child = ChildTrainer.Start(["train", "--epochs", "3", "--out", folder, .. Run]))
        {
            child.WaitForLine(line => line.StartsWith("step 100 ", StringComparison.Ordinal)); // 20 steps into epoch 2
            child.Signal(signal);
            Assert.That(child.WaitForExit(), Is.EqualTo(exitCode), child.Error);
            if (signal != "KILL") Assert.That(child.Error, Does.Contain("saved to").And.Contain("batches into epoch 2"));
        }
        var info = Checkpoint.ReadInfo(folder);
        if (signal == "KILL") Assert.That((info.Epoch, info.BatchesDone), Is.EqualTo((1, 0)), "kill -9 leaves the checkpoint of epoch 1");
        else
        {
            Assert.That((info.Epoch, info.Interrupted, info.BatchesDone), Is.EqualTo((1, true, info.Step - 80)), "a mid-epoch checkpoint records its batch");
            Assert.That(info.BatchesDone, Is.InRange(20, 79));
        }
        var resumed = Cli.Run(["train", "--resume", "--epochs", "3", "--out", folder, .. Run]);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        var after = Final(folder);
        Assert.That(after.Metrics, Is.EqualTo(straight.Metrics), "every epoch's losses, the interrupted one included");
        Assert.That(after.Data, Is.EqualTo(straight.Data), "the final weights, bit for bit");
    }

    [Test]
    public void ASaveKilledAtAnyInstantLeavesTheOldSetOrTheNewOne()
    {
        // A model whose save (≈ 10 MB) takes most of each epoch, so that most kills land inside a save.
        string[] big = ["--limit", "64", "--batch", "64", "--hidden", "1024", "--latent", "2", "--threads", "1", "--device", "host", "--no-images", "--epochs", "100000"];
        string folder = _folder["killed"];
        var options = new VaeOptions { HiddenSizes = [1024], LatentSize = 2 };
        var data = DataSources.Load("mnist");
        data = data with { Train = data.Train.Take(64), Test = data.Test.Take(64) };
        using var reference = new Trainer(options, new TrainOptions { BatchSize = 64, Limit = 64, Threads = 1, Device = "host" }, data, Device.Open("host", 1));
        var expected = new List<float[]> { Array.Empty<float>() }; // expected[e]: the weights after epoch e
        var random = new Random(20261207);
        int trials = 50, insideSaves = 0;
        var epochsSeen = new List<int>();
        for (int trial = 0; trial < trials; trial++)
        {
            using var child = ChildTrainer.Start(["train", .. (trial == 0 ? Array.Empty<string>() : ["--resume"]), "--out", folder, .. big]);
            child.WaitForLine(line => line.StartsWith("epoch ", StringComparison.Ordinal), 120);
            // The first run has no set until its first save completes: wait for one, so there is an "old" set.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(Path.Combine(folder, CheckpointStore.CurrentFile)) && DateTime.UtcNow < deadline) Thread.Sleep(1);
            Thread.Sleep(random.Next(0, 400));
            bool saving = Directory.EnumerateDirectories(folder, ".staging-*").Any();
            child.Signal("KILL");
            child.WaitForExit();
            if (saving) insideSaves++;

            var info = Checkpoint.ReadInfo(folder);
            var (weights, metrics) = Final(folder);
            Assert.That(Checkpoint.ReadMetrics(folder), Has.Count.EqualTo(info.Epoch), $"trial {trial}: metrics of every epoch of the set");
            Assert.DoesNotThrow(() => Checkpoint.ReadOptimizer(folder, info), $"trial {trial}");
            while (expected.Count <= info.Epoch)
            {
                reference.RunEpoch();
                expected.Add(reference.Model.Snapshot().SelectMany(v => v).ToArray());
            }
            Assert.That(weights, Is.EqualTo(expected[info.Epoch]), $"trial {trial}: the set of epoch {info.Epoch} is that epoch's, not a mixture");
            epochsSeen.Add(info.Epoch);
        }
        TestContext.Out.WriteLine($"{trials} kills, {insideSaves} while a staging folder existed; epochs reached {string.Join(", ", epochsSeen)}");
        Assert.That(insideSaves, Is.GreaterThanOrEqualTo(trials / 4), "many kills landed inside a save");
        Assert.That(epochsSeen.Zip(epochsSeen.Skip(1)).All(p => p.Second >= p.First), Is.True, "no kill ever lost a saved epoch");

        // The next trainer removes what the killed saves left, and the folder holds one set.
        var finish = Cli.Run(["train", "--resume", "--out", folder, .. big[..^2], "--epochs", (epochsSeen[^1] + 1).ToString(CultureInfo.InvariantCulture)]);
        Assert.That(finish.ExitCode, Is.EqualTo(0), finish.ToString());
        Assert.That(Directory.GetDirectories(folder).Select(Path.GetFileName), Has.Exactly(1).StartsWith("checkpoint-").And.None.StartsWith(".staging-"));
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Has.None.EndsWith(".tmp"));
    }

    [Test]
    public void ASecondTrainerIsRefusedNamingTheFirstAndTheFirstFinishesUntouched()
    {
        var straight = Final(Uninterrupted(3));
        string folder = _folder["shared"];
        using (var first = ChildTrainer.Start(["train", "--epochs", "3", "--out", folder, .. Run]))
        {
            first.WaitForLine(line => line.StartsWith("step 5 ", StringComparison.Ordinal));
            var second = Cli.Run(["train", "--epochs", "3", "--out", folder, .. Run]);
            Assert.That(second.ExitCode, Is.EqualTo(1), second.ToString());
            Assert.That(second.Error, Does.Contain("another trainer is writing to it").And.Contain($"process {first.Id} "));
            var resumed = Cli.Run(["train", "--resume", "--epochs", "3", "--out", folder, .. Run]);
            Assert.That(resumed.ExitCode, Is.EqualTo(1), "a resume is refused the same way");
            Assert.That(first.WaitForExit(), Is.EqualTo(0), first.Error);
        }
        var after = Final(folder);
        Assert.That(after.Data, Is.EqualTo(straight.Data), "the first trainer's weights are those of an undisturbed run");
        Assert.That(after.Metrics, Is.EqualTo(straight.Metrics));

        // A lock left by a killed trainer is taken over, and said so.
        using (var killed = ChildTrainer.Start(["train", "--resume", "--epochs", "6", "--out", folder, .. Run]))
        {
            killed.WaitForLine(line => line.StartsWith("step 260 ", StringComparison.Ordinal));
            killed.Signal("KILL");
            killed.WaitForExit();
        }
        var next = Cli.Run(["train", "--resume", "--epochs", "4", "--out", folder, .. Run]);
        Assert.That(next.ExitCode, Is.EqualTo(0), next.ToString());
        Assert.That(next.Error, Does.Contain("took over the lock"));
    }

    [Test]
    public void ASecondCtrlCDuringASaveWaitsForTheSave()
    {
        string[] big = ["--limit", "64", "--batch", "64", "--hidden", "1024", "--latent", "2", "--threads", "1", "--device", "host", "--no-images", "--epochs", "100000"];
        string folder = _folder["twice"];
        using var child = ChildTrainer.Start(["train", "--out", folder, .. big]);
        child.WaitForLine(line => line.StartsWith("epoch 2 ", StringComparison.Ordinal), 120);
        // The line is printed right before the epoch's save: signal twice while it is being written.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Directory.EnumerateDirectories(folder, ".staging-*").Any() && DateTime.UtcNow < deadline) Thread.Sleep(1);
        child.Signal("INT");
        Thread.Sleep(5);
        child.Signal("INT");
        Assert.That(child.WaitForExit(), Is.EqualTo(130), child.Error);
        Assert.That(child.Error, Does.Contain("a checkpoint is being saved; stopping once it is complete"));
        var info = Checkpoint.ReadInfo(folder);
        Assert.That(Checkpoint.ReadMetrics(folder), Has.Count.EqualTo(info.Epoch));
        Assert.That(info.Epoch, Is.GreaterThanOrEqualTo(2));
    }
}
