#!/usr/bin/env python3
"""What `bench report` needs to know of the Python peers, as one JSON object on standard output.

Keys: numpy, numpy_blas (openblas_gemm.describe_blas(), or the libblas.so.3 alternative without threadpoolctl), torch, torch_blas (BLAS_INFO of torch.__config__.show()),
torch_threads, cuda_available, cuda_device, cuda_version, cuda_driver; and numpy_error / torch_error with the reason
where an import fails. Run with OPENBLAS_VERBOSE=2 to have OpenBLAS name its automatic kernel on standard error.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
out = {}
try:
    import numpy
    out["numpy"] = numpy.__version__
    import openblas_gemm
    blas = openblas_gemm.describe_blas()
    # Without threadpoolctl, describe_blas() falls back to numpy.show_config(), pages long; the library that
    # Debian's libblas.so.3 alternative points at says what is needed.
    if blas.startswith("threadpoolctl missing"):
        alternative = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"
        target = os.path.realpath(alternative) if os.path.exists(alternative) else "unknown"
        blas = f"libblas.so.3 is {target} (threadpoolctl missing, so its kernel is not read here)"
    out["numpy_blas"] = blas
except Exception as error:  # any failure to import is a reason to skip the peer, reported as such
    out["numpy_error"] = f"{type(error).__name__}: {error}"
try:
    import torch
    out["torch"] = torch.__version__
    config = torch.__config__.show()
    blas = [part.split("=", 1)[1] for line in config.splitlines() for part in line.replace(",", " ").split() if part.startswith("BLAS_INFO=")]
    out["torch_blas"] = blas[0] if blas else "unknown"
    out["torch_threads"] = torch.get_num_threads()
    out["cuda_available"] = bool(torch.cuda.is_available())
    if out["cuda_available"]:
        out["cuda_device"] = torch.cuda.get_device_name(0)
        out["cuda_version"] = torch.version.cuda
        out["cuda_memory_bytes"] = torch.cuda.get_device_properties(0).total_memory
except Exception as error:
    out["torch_error"] = f"{type(error).__name__}: {error}"
print(json.dumps(out))
