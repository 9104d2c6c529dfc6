#!/bin/sh
# ensure-deps.sh - install, from Debian's packages, whatever the build and the
# tests need and this machine lacks. Run by `make run` and `make test`; quiet
# and quick when everything is already there.
set -e

PACKAGES="gcc make binutils nasm gnu-efi grub-pc-bin grub-efi-amd64-bin grub-common
xorriso mtools ovmf qemu-system-x86 libcmocka-dev gdb python3 gnuplot-nox clang libclang-rt-14-dev"

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0

echo "ensure-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "ensure-deps: need root (or sudo) to install:$missing" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
