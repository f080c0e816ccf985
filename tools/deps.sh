#!/bin/sh
# tools/deps.sh — make sure the Debian packages the build, tests and benchmarks
# need are installed. Quick when nothing is missing; installs what is missing
# when run as root; otherwise prints the exact apt-get line and fails.
set -e
. "$(dirname "$0")/apt_install.sh"

pkgs="nasm gcc gcc-multilib make python3 libpfm4-dev liburing-dev libcmocka-dev gnuplot-nox libc6-dev-i386"
# i386 packages the tests and benchmarks run: the dynamic loader and libc for
# dynamic test programs, and busybox as a real unmodified program.
pkgs386="libc6:i386 busybox-static:i386"

missing=""
for p in $pkgs $pkgs386; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

need386=""
case "$missing" in *:i386*) dpkg --print-foreign-architectures | grep -qx i386 || need386=1 ;; esac

if [ "$(id -u)" != 0 ]; then
	echo "persona: missing Debian packages:$missing" >&2
	[ -n "$need386" ] && echo "  run as root: dpkg --add-architecture i386 && apt-get update" >&2
	echo "  run as root: apt-get install -y$missing" >&2
	exit 1
fi
echo "persona: installing missing Debian packages:$missing"
[ -n "$need386" ] && dpkg --add-architecture i386
# shellcheck disable=SC2086
apt_install "the build's packages" $missing
