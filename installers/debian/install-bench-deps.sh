#!/usr/bin/env bash
# Installs the reference libraries the kernel benchmark (bench/kernels) compares against: PCL.
# Not part of the normal install: Debian's libpcl-dev pulls in Qt 5 and VTK's Qt 5 module, which the application
# must never link. The benchmark names PCL components explicitly so none of that reaches other targets.
# Idempotent and non-interactive; runs as root or through sudo.
set -euo pipefail

PACKAGES=(libpcl-dev)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-bench-deps: run as root or install sudo" >&2; exit 1; }
  SUDO=(sudo -E)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-bench-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "install-bench-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
