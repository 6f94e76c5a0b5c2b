namespace ScratchVae.Autograd;

/// <summary>
/// The differentiable operations. Each lives in its own file under Operations/, with its forward function (a
/// member of this class) beside its backward rule (a small <see cref="Operation{T}"/> subclass), both written
/// only in terms of the device primitives (IBackend), so the same code runs on every device.
/// <para>
/// Every operation needs an active scope (<see cref="Tape"/> or <see cref="Tape.NoGrad"/>), which owns its result;
/// it records itself on the tape when an input requires gradients. Inputs must live on one device; messages of
/// failed checks name the operation and the shapes.
/// </para>
/// </summary>
public static partial class Ops
{
}
