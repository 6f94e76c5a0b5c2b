using NUnit.Framework;
using ScratchVae.Kernels;
using ScratchVae.Tensors;

namespace ScratchVae.Tests.Autograd.Support;

/// <summary>
/// The devices the autograd fixtures run on. Every kind is listed; one that is absent or unusable here is
/// reported as ignored with the reason from Backends.List(), never silently dropped.
/// </summary>
public static class AutogradDevices
{
    /// <summary>The device names the fixtures are parameterised with.</summary>
    public static readonly string[] Names = ["host", "ilgpu-cpu", "cuda", "opencl"];

    /// <summary>Opens <paramref name="name"/>, or marks the calling fixture or test ignored with the reason.</summary>
    public static Device OpenOrIgnore(string name)
    {
        DeviceInfo? info = null;
        try
        {
            // The device the name opens: a bare "opencl" whose first device is unusable opens the first usable one.
            IReadOnlyList<DeviceInfo> devices = Backends.List();
            info = ScratchVae.Kernels.Ilgpu.IlgpuDevices.Resolve(name, devices)
                ?? devices.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
        }
        catch (NotImplementedException error)
        {
            Assert.Ignore($"Device '{name}': the backend factory is not available in this build ({error.Message}).");
        }
        if (info is null) Assert.Ignore($"Device '{name}' is not present on this machine.");
        if (!info!.Usable) Assert.Ignore($"Device '{name}' is not usable here: {info.Reason}");
        return Device.Open(name);
    }

    /// <summary>A second usable device other than <paramref name="device"/>, or null.</summary>
    public static Device? Other(Device device)
    {
        IReadOnlyList<DeviceInfo> devices;
        try
        {
            devices = Backends.List();
        }
        catch (NotImplementedException)
        {
            return null;
        }
        foreach (var info in devices)
        {
            if (!info.Usable || string.Equals(info.Name, device.Name, StringComparison.OrdinalIgnoreCase)) continue;
            return Device.Open(info.Name);
        }
        return null;
    }
}
