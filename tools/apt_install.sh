# tools/apt_install.sh — sourced by tools/deps.sh and tools/vm/deps.sh: one
# way to install Debian packages as root that survives a mirror caught
# mid-sync. Such a mirror fails an index or two, and apt-get update then exits
# 100 although the other indexes loaded; the install is still tried with what
# loaded, and only the install's own failure (after one more update) stops.
#
# apt_install "WHAT" [apt-get install options] PACKAGE...
apt_install() {
	what=$1
	shift
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq ||
		echo "persona: apt-get update reported errors (above); installing $what from the indexes it has" >&2
	apt-get install -y -qq "$@" >/dev/null && return 0
	echo "persona: apt-get install failed; updating the indexes once more and retrying" >&2
	sleep 10
	apt-get update -qq || true
	apt-get install -y -qq "$@" >/dev/null && return 0
	echo "persona: could not install $what: apt-get install -y $*" >&2
	echo "  install them by hand, then run make again" >&2
	return 1
}
