#!/usr/bin/env bash
# Proves the two-command set-up on a bare Debian 12: builds a minimal chroot with debootstrap
# (no compiler, no CMake, no git), copies a clean clone of HEAD into it and runs one of the
# README's commands there. Needs root and the debootstrap package. Not part of the test suite.
#   tools/fresh-machine/check.sh [test|demo|install] [CHROOT_DIR]
# install: `./odyo install` in the chroot (systemd is installed first, as on any real Debian
# machine, but not running), then from / the installed odyospiro with /etc/odyospiro/station.toml:
# `db migrate --admin`, `worker add`, `worker list`, the man page, and the unit (`systemctl cat`,
# which a chroot ignores, then `systemd-analyze cat-config` and `systemctl --root=/`).
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
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
    bash -c "$1"
}
echo "fresh-machine: running ./odyo $what in $root (packages before: $(chroot "$root" dpkg -l | grep -c '^ii'))"
if [ "$what" != install ]; then
  in_root "cd /root/odyospiro && ./odyo $what"
  exit
fi
in_root "command -v systemctl >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends systemd; }"
in_root "cd /root/odyospiro && ./odyo install"
# Nothing of the clone may be needed any more: move it away, then work from /.
mv "$root/root/odyospiro" "$root/root/odyospiro.moved"
trap 'mv "$root/root/odyospiro.moved" "$root/root/odyospiro" 2>/dev/null || true' EXIT
in_root '
set -euo pipefail
cd /
rm -f /var/lib/odyospiro/odyospiro.db /var/lib/odyospiro/odyospiro.db-*
export ODYOSPIRO_PASSWORD=fresh-machine-admin-1
set -x
odyospiro --version
odyospiro --lang en --user admin db migrate --admin admin
# The admin reads everything but registers no worker: a technician does (docs/security.md).
ODYOSPIRO_NEW_PASSWORD=fresh-machine-tech-1 \
  odyospiro --lang en --user admin user add tekniker --name Tekniker --role technician
ODYOSPIRO_PASSWORD=fresh-machine-tech-1 odyospiro --lang en --user tekniker worker add \
  --registry 9001 --tc 10000000146 --first-name Ali --last-name Yılmaz --birth-date 1990-05-01 \
  --sex M --height-cm 175 --weight-kg 80 --job YA-PANO-01
odyospiro --lang en --user admin worker list
ls -la /var/lib/odyospiro/
test -f /var/lib/odyospiro/odyospiro.db
test ! -e /var/odyospiro.db && test ! -e /odyospiro.db
stat -c "%a %U:%G %n" /var/lib/odyospiro
# In a chroot where systemd is not PID 1, `systemctl cat` refuses ("System has not been booted
# with systemd", exit 1), so it may fail here; the unit is shown the ways systemd offers offline:
# its own search path and the unit-file list (those must succeed).
systemctl cat odyospiro || echo "check.sh: systemctl cat needs a running systemd; shown offline below"
systemd-analyze cat-config systemd/system/odyospiro.service
systemctl --root=/ list-unit-files odyospiro.service
cat /usr/lib/udev/rules.d/60-odyospiro.rules
MANPAGER=cat man -l /usr/share/man/man1/odyospiro.1 2>/dev/null | head -20 || head -20 /usr/share/man/man1/odyospiro.1
test -s /usr/share/bash-completion/completions/odyospiro
ls /usr/share/odyospiro /etc/odyospiro
strings /usr/bin/odyospiro | grep -c "/root/odyospiro" || true
'
echo "fresh-machine: install OK"
