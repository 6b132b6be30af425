#!/usr/bin/env bash
# Proves the two-command set-up on a bare Debian 12: builds a minimal chroot with debootstrap
# (no compiler, no CMake, no git), copies a clean clone of HEAD into it and runs one of the
# README's commands there. Needs root and the debootstrap package. Not part of the test suite.
#   tools/fresh-machine/check.sh [test|demo] [CHROOT_DIR]
set -euo pipefail
what="${1:-test}"
root="${2:-/srv/odyo-chroot}"
repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
if [ ! -x "$root/usr/bin/apt-get" ]; then
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
fi
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
mountpoint -q "$root/dev/pts" || mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
rm -rf "$root/root/odyospiro"
git clone -q "$repo" "$root/root/odyospiro"
echo "fresh-machine: running ./odyo $what in $root (packages before: $(chroot "$root" dpkg -l | grep -c '^ii'))"
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
  bash -c "cd /root/odyospiro && ./odyo $what"
