using System.Numerics;
using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Kernels.Ilgpu;
using ScratchVae.Kernels.Operators;

namespace ScratchVae.Tests.Kernels;

/// <summary>Device discovery and the backend factory: what is listed, and how absent devices are refused.</summary>
[TestFixture]
public sealed class IlgpuDeviceTests
{
    [Test]
    public void ListsHostFirstThenTheIlgpuCpuAccelerator()
    {
        var devices = Backends.List();
        Assert.That(devices[0].Name, Is.EqualTo("host"));
        Assert.That(devices[0].Usable, Is.True);
        Assert.That(devices[0].Description, Does.Contain("thread").And.Contain("RAM"));
        Assert.That(devices[0].MemoryBytes, Is.GreaterThan(0));

        var cpu = devices.Single(device => device.Name == "ilgpu-cpu");
        Assert.That(cpu.Type, Is.EqualTo("ilgpu-cpu"));
        Assert.That(cpu.Usable, Is.True);
        Assert.That(cpu.Reason, Is.Empty);
        Assert.That(devices.Select(device => device.Name), Is.Unique);
    }

    [TestCase("cuda")]
    [TestCase("opencl")]
    public void EveryGpuKindIsListedAndUnusableOnesSayWhy(string kind)
    {
        var devices = Backends.List().Where(device => device.Type == kind).ToArray();
        Assert.That(devices, Is.Not.Empty, $"{kind} is neither listed as a device nor as absent");
        foreach (var device in devices)
        {
            if (device.Usable) Assert.That(device.Reason, Is.Empty, device.Name);
            else Assert.That(device.Reason, Is.Not.Empty, device.Name);
        }
    }

    [Test]
    public void CreatingAnUnusableCudaDeviceThrowsWithTheReason()
    {
        var cuda = Backends.List().First(device => device.Type == "cuda");
        if (cuda.Usable)
        {
            using var backend = Backends.Create("cuda");
            Assert.That(backend.Name, Is.EqualTo("cuda"));
            return;
        }
        var error = Assert.Throws<InvalidOperationException>(() => Backends.Create("cuda"));
        Assert.That(error!.Message, Does.Contain("cuda").And.Contain(cuda.Reason));
        if (cuda.Description == "CUDA") Assert.That(error.Message, Does.Contain("no CUDA device found"));
    }

    [Test]
    public void CreatingAnUnusableOpenClDeviceThrowsWithTheReason()
    {
        var openCl = Backends.List().First(device => device.Type == "opencl");
        if (openCl.Usable)
        {
            using var backend = Backends.Create(openCl.Name);
            Assert.That(backend.Name, Is.EqualTo(openCl.Name));
            return;
        }
        var error = Assert.Throws<InvalidOperationException>(() => Backends.Create(openCl.Name));
        Assert.That(error!.Message, Does.Contain(openCl.Reason));
    }

    [Test]
    public void AbsentSecondDeviceAndUnknownNamesAreRefused()
    {
        int cudaDevices = Backends.List().Count(device => device.Type == "cuda" && device.Usable);
        Assert.Throws<InvalidOperationException>(() => Backends.Create($"cuda:{cudaDevices + 1}"));
        var unknown = Assert.Throws<ArgumentException>(() => Backends.Create("tpu"));
        Assert.That(unknown!.Message, Does.Contain("tpu").And.Contain("ilgpu-cpu"));
    }

    [Test]
    public void CreatesTheIlgpuCpuAcceleratorByName()
    {
        using var backend = Backends.Create(" ILGPU-CPU ");
        Assert.That(backend, Is.InstanceOf<IlgpuBackend>());
        Assert.That(backend.Name, Is.EqualTo("ilgpu-cpu"));
        Assert.That(((IlgpuBackend)backend).IsCpuEmulator, Is.True);
        Assert.That(((IlgpuBackend)backend).CanRunTiledGemm, Is.True);
    }

    [Test]
    public void AutoPicksCudaThenOpenClThenHost()
    {
        var devices = Backends.List();
        string expected = devices.FirstOrDefault(device => device.Type == "cuda" && device.Usable)?.Name
            ?? devices.FirstOrDefault(device => device.Type == "opencl" && device.Usable)?.Name
            ?? "host";
        using var backend = Backends.Create("auto", threads: 1);
        Assert.That(backend.Name, Is.EqualTo(expected));
    }

    [Test]
    public void AnOperatorGpuCodeCannotRunIsRefusedWithAHintAndOtherKernelsStillWork()
    {
        using var backend = IlgpuDevices.Create("ilgpu-cpu");
        using var x = backend.Allocate<float>(3);
        using var y = backend.Allocate<float>(3);
        backend.Upload<float>([1, -2, 3], x);
        var error = Assert.Throws<NotSupportedException>(() => backend.Map<float, DoubleByConversion>(x, y, 3));
        Assert.That(error!.Message, Does.Contain("DoubleByConversion").And.Contain("T.CreateTruncating"));

        // A failed compilation used to break every later one in the same ILGPU context.
        backend.Map<float, ReluOperator>(x, y, 3);
        var result = new float[3];
        backend.Download(y, 0, result);
        Assert.That(result, Is.EqualTo(new float[] { 1, 0, 3 }));
    }

    /// <summary>f(x) = 2x written with T.CreateTruncating, which ILGPU cannot compile (it tests typeof internally).</summary>
    private readonly struct DoubleByConversion : IUnaryOperator
    {
        public static string Name => "double-by-conversion";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(2.0) * x;
        public static T Derivative<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(2.0);
    }

    [Test]
    public void ABareKindWhoseFirstDeviceIsUnusableStandsForTheFirstUsableOne()
    {
        // As seen on a GPU machine: NVIDIA's OpenCL platform (no generic address space) listed before PoCL's CPU device.
        DeviceInfo[] devices =
        [
            new("host", "host", "host", 1, true, ""),
            new("cuda", "cuda", "H100", 1, true, ""),
            new("opencl", "opencl", "NVIDIA", 1, false, "the device lacks the generic address space ILGPU's OpenCL code needs"),
            new("opencl:1", "opencl", "PoCL", 1, true, ""),
            new("opencl:2", "opencl", "other", 1, true, ""),
            new("ilgpu-cpu", "ilgpu-cpu", "emulator", 1, true, ""),
        ];
        Assert.Multiple(() =>
        {
            Assert.That(IlgpuDevices.Resolve("opencl", devices)?.Name, Is.EqualTo("opencl:1"));
            Assert.That(IlgpuDevices.Resolve("opencl:2", devices)?.Name, Is.EqualTo("opencl:2"));
            Assert.That(IlgpuDevices.Resolve("cuda", devices)?.Name, Is.EqualTo("cuda"));
            Assert.That(IlgpuDevices.Resolve("cuda:1", devices), Is.Null);
            Assert.That(IlgpuDevices.Resolve("ilgpu-cpu", devices)?.Name, Is.EqualTo("ilgpu-cpu"));
        });
        // With no usable device of the kind, the name keeps its own (unusable) device, so the error gives its reason.
        DeviceInfo[] noneUsable = [devices[0], devices[2] with { }, devices[5]];
        Assert.That(IlgpuDevices.Resolve("opencl", noneUsable)?.Reason, Does.Contain("generic address space"));
    }
}
