#!/usr/bin/env bash
# Installs every build, run and test dependency of DriveCurator from Debian 12 packages.
# Idempotent and non-interactive; runs as root or through sudo.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # Qt 6 (Widgets, OpenGLWidgets, Concurrent, Charts, Test)
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-qpa-plugins
  # VTK 9.1 for rendering (never libvtk9-qt-dev: it is built on Qt 5); its CMake package needs MPI
  libvtk9-dev mpi-default-dev
  # OpenCV 4.6 (codecs, projection reference, calibration helpers)
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-calib3d-dev
  # catalog, math, formats, CLI, logging
  libsqlite3-dev sqlite3 libtinyxml2-dev libssl-dev libceres-dev libeigen3-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libfmt-dev libzstd-dev liblz4-dev libdeflate-dev
  # GUI tests and screenshots under a virtual display, software OpenGL
  xvfb xauth libgl1-mesa-dri libglx-mesa0 mesa-utils
  # the Debian package and its test (make package, tst_debian_package): lintian, the PNG icon, AppStream checks
  lintian librsvg2-bin appstream desktop-file-utils
  # Slurm cluster executor and its tests
  slurm-wlm munge
  # the ssh hop to a remote Slurm login node, and its tests (a private sshd on 127.0.0.1; no system sshd is used)
  openssh-server openssh-client
  # make fuzz: clang with libFuzzer and the ASan/UBSan runtimes
  clang libclang-rt-14-dev
)

source "$(dirname "$0")/apt-install.sh"
apt_install install-deps "${PACKAGES[@]}"
