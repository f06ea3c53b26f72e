# Sourced by the install scripts: apt_install NAME PACKAGE... installs what is missing, idempotently and
# non-interactively, as root or through sudo.
apt_install() {
  local name=$1
  shift
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "$name: run as root or install sudo" >&2; return 1; }
    sudo=(sudo -E)
  fi
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "$name: all $# packages already installed"
    return 0
  fi
  echo "$name: installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
