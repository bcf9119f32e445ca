#!/bin/sh
# Install the Debian packages pprofdiff needs to build and to run its
# whole test suite, skipping those already installed. Run as root (or
# with sudo available). Debian 12 or later.
set -eu

pkgs="
  build-essential cmake pkg-config
  protobuf-c-compiler libprotobuf-c-dev zlib1g-dev libisal-dev libpcre2-dev
  libiberty-dev
  libcurl4-openssl-dev
  python3 golang-go clang libclang-rt-14-dev openssl ca-certificates curl
  groff-base tmux chromium
"
missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
    sudo=sudo
fi
echo "install-deps: installing$missing"
$sudo apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
    --no-install-recommends $missing
