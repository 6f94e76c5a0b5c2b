#!/usr/bin/env bash
# Builds and runs every example with small arguments, as CI does; exits non-zero as soon as one fails.
# Run from anywhere: bash examples/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
packages=artifacts/packages

step() { echo; echo "== $*"; }

step "CustomOperation: gradient-checked Swish and parametric ReLU, then a small fit"
dotnet run -c Release --project examples/CustomOperation -- --steps 150

step "OwnModel: a conditional VAE from the layers and optimizers, gradient-checked, trained, classifying digits"
dotnet run -c Release --project examples/OwnModel -- --epochs 3 --limit 3000

step "CompareAccelerators: the devices, and a GEMM and a map timed on each usable one"
dotnet run -c Release --project examples/CompareAccelerators -- --size 128 --length 262144 --milliseconds 50

step "UsingPackages: pack the libraries into $packages, then build against the packages"
rm -rf "$packages"
for library in Kernels Tensors Autograd Vae; do
  dotnet pack "src/$library" -c Release -o "$packages" -v quiet
done
# Every package must carry its XML documentation next to its assembly.
for package in "$packages"/*.nupkg; do
  if command -v unzip >/dev/null 2>&1; then listing=$(unzip -Z1 "$package")
  elif command -v python3 >/dev/null 2>&1; then listing=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$package")
  else echo "(no unzip or python3: not checking the XML documentation in $package)"; continue; fi
  if ! grep -q '^lib/net10.0/.*\.xml$' <<<"$listing"; then echo "run-all: $package has no XML documentation file" >&2; exit 1; fi
done
# NuGet extracts a package version once into its global folder; remove our earlier copies of 0.1.0 so the example
# is built against the packages just made, not stale ones.
cache=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')
for id in scratchvae.kernels scratchvae.tensors scratchvae.autograd scratchvae.vae; do rm -rf "${cache:?}/$id"; done
dotnet run -c Release --project examples/UsingPackages -- --epochs 1 --limit 500

step "The command line as a .NET tool: pack src/Tool, install it into a temporary tool path, run it"
tool_packages=$(mktemp -d)
tool_path=$(mktemp -d)
dotnet pack src/Tool -c Release -o "$tool_packages" -v quiet
dotnet tool install --tool-path "$tool_path" --add-source "$tool_packages" ScratchVae.Tool
"$tool_path/scratchvae" --version
help_text=$("$tool_path/scratchvae" train --help)
echo "${help_text%%$'\n'*}"
rm -rf "$tool_packages" "$tool_path"

echo
echo "examples: all passed"
