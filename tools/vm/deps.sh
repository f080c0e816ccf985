#!/bin/sh
# tools/vm/deps.sh — what `make check-vm` needs beyond `make`: QEMU, kmod
# (depmod) and zstd (Debian's newer kernels are zstd-compressed) installed
# on the host, and two Debian packages only *downloaded* into the
# cache (never installed): a stock amd64 kernel (linux-image-*-amd64) and
# busybox-static:amd64 (the host has busybox-static:i386 installed for the
# tests, and the two cannot be installed side by side).
#
# Quick when everything is there. Installing needs root; as another user it
# prints the exact command and fails. Downloading needs no root.
#
# The kernel: PERSONA_VM_KERNEL_PKG names a package (a versioned image, or a
# meta-package to resolve); otherwise the newest linux-image-X.Y-amd64
# meta-package apt offers, falling back to linux-image-amd64. A kernel >= 6.7
# lets a user namespace own its binfmt_misc mount.
set -e
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/../apt_install.sh"

if [ -n "$PERSONA_IN_VM" ]; then
	echo "persona: this is the check-vm guest already; check-vm does not nest" >&2
	exit 2
fi

host_pkgs="qemu-system-x86 kmod zstd"
missing=""
for p in $host_pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in *" installed") ;; *) missing="$missing $p" ;; esac
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "persona: check-vm needs Debian packages:$missing" >&2
		echo "  run as root: apt-get install -y --no-install-recommends$missing" >&2
		exit 1
	fi
	echo "persona: installing Debian packages for check-vm:$missing"
	# shellcheck disable=SC2086
	apt_install "check-vm's packages" --no-install-recommends $missing
fi

# Done when the packages chosen last time are there and apt's lists have not
# changed since.
request=${PERSONA_VM_KERNEL_PKG:-newest}
if [ -f "$VM_CACHE/debs.list" ] && [ "$VM_CACHE/debs.list" -nt /var/lib/apt/lists ] &&
	grep -qxF "request=$request" "$VM_CACHE/debs.list"; then
	. "$VM_CACHE/debs.list"
	[ -f "$kernel_deb" ] && [ -f "$busybox_deb" ] && exit 0
fi

# The newest "linux-image-X.Y-amd64" meta-package, else the distribution's
# default; then the versioned image package it depends on.
kernel_meta() {
	apt-cache pkgnames linux-image- 2>/dev/null |
		grep -E '^linux-image-[0-9]+\.[0-9]+-amd64$' | sort -V | tail -1
}
resolve_image() {
	case "$1" in
	linux-image-[0-9]*.[0-9]*.[0-9]*-amd64|linux-image-[0-9]*+*-amd64) echo "$1"; return ;;
	esac
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -1
}
want=${PERSONA_VM_KERNEL_PKG:-$(kernel_meta)}
want=${want:-linux-image-amd64}
image=$(resolve_image "$want")
if [ -z "$image" ]; then
	echo "persona: apt knows no kernel image for '$want'" >&2
	echo "  run as root: apt-get update   (or set PERSONA_VM_KERNEL_PKG to a linux-image-*-amd64 package)" >&2
	exit 1
fi

mkdir -p "$VM_CACHE/debs"
# download one package (by apt's name) into the cache unless a .deb of the
# candidate version is already there; print the .deb's path
fetch_deb() {
	pkg=$1
	ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		echo "persona: apt has no candidate for $pkg; run as root: apt-get update" >&2
		return 1
	fi
	name=${pkg%%:*}
	deb=$(ls "$VM_CACHE/debs/${name}_$(echo "$ver" | sed 's/:/%3a/')_amd64.deb" 2>/dev/null || true)
	if [ -z "$deb" ]; then
		echo "persona: downloading $pkg $ver into $VM_CACHE/debs" >&2
		(cd "$VM_CACHE/debs" && apt-get download -q "$pkg=$ver" >/dev/null 2>&1) || {
			echo "persona: apt-get download $pkg=$ver failed (network? stale lists: apt-get update)" >&2
			return 1
		}
		deb=$(ls "$VM_CACHE/debs/${name}_"*"_amd64.deb" | grep -F "$(echo "$ver" | sed 's/:/%3a/')")
	fi
	echo "$deb"
}
kdeb=$(fetch_deb "$image")
bdeb=$(fetch_deb busybox-static:amd64)
# what prepare.sh unpacks
printf 'request=%s\nkernel_deb=%s\nbusybox_deb=%s\n' "$request" "$kdeb" "$bdeb" >"$VM_CACHE/debs.list.new"
mv "$VM_CACHE/debs.list.new" "$VM_CACHE/debs.list"
