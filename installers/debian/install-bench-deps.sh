#!/usr/bin/env bash
# Installs the reference libraries the kernel benchmark (bench/kernels) compares against: PCL.
# Not part of the normal install: Debian's libpcl-dev pulls in Qt 5 and VTK's Qt 5 module, which the application
# must never link. The benchmark names PCL components explicitly so none of that reaches other targets.
# Idempotent and non-interactive; runs as root or through sudo.
set -euo pipefail

PACKAGES=(libpcl-dev)

source "$(dirname "$0")/apt-install.sh"
apt_install install-bench-deps "${PACKAGES[@]}"
