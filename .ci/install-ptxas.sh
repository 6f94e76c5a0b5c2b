#!/usr/bin/env bash
# Extracts NVIDIA's PTX assembler (ptxas, CUDA 11.8) from Debian's nvidia-cuda-toolkit package (component non-free)
# into DIR/bin/ptxas, for tests/Kernels/PtxAssemblerTests.cs; nothing is installed and the system's apt sources are
# not changed: the package index is fetched into a temporary folder and only the one binary (self-contained, 19 MB)
# is kept. Usage: bash .ci/install-ptxas.sh [DIR]   (default /opt/ptxas, or ~/.cache/scratchvae/ptxas when /opt is
# not writable). DEBIAN_MIRROR overrides the mirror (default http://deb.debian.org/debian), DEBIAN_SUITE the suite
# (default: this system's codename). Exits 0 when ptxas is already there.
set -euo pipefail

dest="${1:-}"
if [ -z "$dest" ]; then
  if [ -w /opt ] || { [ -d /opt/ptxas ] && [ -w /opt/ptxas ]; }; then dest=/opt/ptxas; else dest="$HOME/.cache/scratchvae/ptxas"; fi
fi
if [ -x "$dest/bin/ptxas" ] && "$dest/bin/ptxas" --version >/dev/null 2>&1; then
  echo "ptxas: already at $dest/bin/ptxas ($("$dest/bin/ptxas" --version | grep -o 'release [0-9.]*'))"
  exit 0
fi
for tool in apt-get dpkg-deb tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ptxas: $tool is missing (this script needs Debian's apt)" >&2; exit 1; }
done

suite="${DEBIAN_SUITE:-}"
if [ -z "$suite" ] && [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  suite="$(. /etc/os-release && { [ "${ID:-}" = debian ] && echo "${VERSION_CODENAME:-}"; } || true)"
fi
if [ -z "$suite" ]; then
  echo "ptxas: not a Debian system (set DEBIAN_SUITE, e.g. bookworm, to use Debian's package anyway)" >&2
  exit 1
fi
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
signed=""
[ -r "$keyring" ] && signed="[signed-by=$keyring] "

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/root"
echo "deb ${signed}${mirror} ${suite} non-free" >"$work/sources.list"
apt_options=(-q -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/nonexistent
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Debug::NoLocking=1)
[ "$(id -u)" -eq 0 ] && apt_options+=(-o APT::Sandbox::User=root)

apt-get "${apt_options[@]}" update >"$work/update.log" 2>&1 || { cat "$work/update.log" >&2; echo "ptxas: apt-get update failed" >&2; exit 1; }
(cd "$work" && apt-get "${apt_options[@]}" download nvidia-cuda-toolkit) >"$work/download.log" 2>&1 \
  || { cat "$work/download.log" >&2; echo "ptxas: downloading nvidia-cuda-toolkit failed" >&2; exit 1; }
deb="$(ls "$work"/nvidia-cuda-toolkit_*.deb)"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/root" ./usr/bin/ptxas
mkdir -p "$dest/bin"
install -m 755 "$work/root/usr/bin/ptxas" "$dest/bin/ptxas"
dpkg-deb -f "$deb" Package Version >"$dest/SOURCE"
"$dest/bin/ptxas" --version >/dev/null
echo "ptxas: $(basename "$deb") ($(du -h "$deb" | cut -f1)) -> $dest/bin/ptxas ($("$dest/bin/ptxas" --version | grep -o 'release [0-9.]*'))"
