# tests/e2e/lib/same.sh — shared by the differential end-to-end tests (sourced).
#
#   same NAME [--portable] [--dir] [--env] -- COMMAND...
#                                     run COMMAND natively, under persona run,
#                                     and under persona run inside a seccomp
#                                     filter that kills any i386-ABI call;
#                                     one TAP line each for persona and the
#                                     filter: stdout, stderr, exit status
#                                     (and with --dir, the files it left in
#                                     its working directory) must be equal
#
# PERSONA_RUN_OPTS, if set, goes between `persona run` and COMMAND. It starts
# as PERSONA_TEST_RUN_OPTS from the environment: the whole suite run in
# another mode (e.g. PERSONA_TEST_RUN_OPTS=--reflect=startup make check-e2e).
# Helpers keep their variables to names starting with _ (sh has no locals).
# COMMAND's first word is an i386 program (with --env: VAR=VALUE words
# first, the whole environment then, as env -i takes them); it runs in a
# fresh empty working directory each time.
#
# Where the kernel cannot run i386 programs itself (no ia32 layer: a kernel
# booted with ia32_emulation=0) there is no native run. A case marked
# --portable, whose native result is the same on every host (no pids,
# kernel versions, CPU features or dates in it), is then compared with the
# native result recorded beside the test (tests/e2e/expect/SUITE/CASE.*,
# written by `make expect` on a host with an ia32 layer); any other case is
# a SKIP that says why. tests/e2e/noia32_host.sh runs the suites that way
# on every host that runs 32-bit code, with the ia32 layer denied.
build=${PERSONA_BUILD:-build}
# the build directory by its absolute path: each case runs from a scratch
# directory, where a path relative to the tree names nothing
builddir=$(cd "$build" && pwd)
persona=$builddir/persona
progdir=$(cd "$build/prog" && pwd)
noia32=$progdir/noia32
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
# the image built beside persona, whatever is installed system-wide
mkdir -p "$t/registry"
export PERSONA_REGISTRY="$t/registry"
n=0
base_run_opts=${PERSONA_TEST_RUN_OPTS-}
PERSONA_RUN_OPTS=$base_run_opts
ok()   { n=$((n + 1)); echo "ok $n - $1"; }
bad()  { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# What the host can do, by the checks persona doctor makes: whether
# persona run can run 32-bit code at all (cs32), and whether the kernel
# runs i386 programs itself (ia32-exec), the native side of every case.
run32=1
run32_why=$("$persona" doctor --need cs32) || run32=0
native_i386=1
native_why=$("$persona" doctor --need ia32-exec) || native_i386=0

# is_i386 FILE: an ELF32 file (the first word of a case's command)
# (or a #! script whose interpreters end in one, followed as the kernel does)
is_i386() {
	_f=$1
	for _depth in 1 2 3 4 5 6; do
		case "$(head -c 2 "$_f" 2>/dev/null)" in
		'#!') _f=$(head -n 1 "$_f" | sed 's/^#![ 	]*//; s/[ 	].*//') ;;
		*) [ "$(od -An -j4 -N1 -tu1 "$_f" 2>/dev/null | tr -d ' ')" = 1 ]; return ;;
		esac
	done
	return 1
}

# need32 NAME...: true if persona run can run 32-bit code here; otherwise a
# SKIP line for each NAME with the doctor's reason, and false
need32() {
	[ "$run32" = 1 ] && return 0
	for _n in "$@"; do skip "$_n" "$run32_why"; done
	return 1
}
noia32_works=1
"$noia32" true >/dev/null 2>&1 || noia32_works=0

# The recorded native results: one file per stream, paths that depend on
# the checkout or the run written as @PROG@, @BUILD@, @T@.
expect_dir=tests/e2e/expect/$(basename "$0" .sh)
expect_name() { printf '%s' "$1" | tr -c 'A-Za-z0-9' '_'; }
normalize() { sed -e "s|$progdir|@PROG@|g" -e "s|$builddir|@BUILD@|g" -e "s|$t|@T@|g" "$1"; }

# run_in DIR OUTPREFIX COMMAND...: run in DIR, keep stdout, stderr, status
run_in() {
	_d=$1; _o=$2; shift 2
	rm -rf "$_d"; mkdir -p "$_d"
	(cd "$_d" && "$@") >"$_o.out" 2>"$_o.err" </dev/null
	echo $? >"$_o.rc"
	# what the program left behind: names, sizes, contents
	(cd "$_d" && find . -mindepth 1 | sort | while read -r f; do
		if [ -f "$f" ]; then echo "$f $(wc -c <"$f") $(cksum <"$f")"; else echo "$f"; fi
	done) >"$_o.files"
}

compare() {
	_what=$1; _a=$2; _b=$3; _dir=$4
	for _k in out err rc; do
		if ! cmp -s "$_a.$_k" "$_b.$_k"; then
			bad "$_what"
			echo "  $_k differs (native, then persona):"
			diff "$_a.$_k" "$_b.$_k" | head -20 | sed 's/^/    /'
			return
		fi
	done
	if [ "$_dir" = 1 ] && ! cmp -s "$_a.files" "$_b.files"; then
		bad "$_what"
		echo "  files left differ:"
		diff "$_a.files" "$_b.files" | head -20 | sed 's/^/    /'
		return
	fi
	ok "$_what"
}

same() {
	_name=$1; shift
	_dir=0 _envi=env _portable=0
	[ "$1" = --portable ] && { _portable=1; shift; }
	[ "$1" = --dir ] && { _dir=1; shift; }
	[ "$1" = --env ] && { _envi="env -i"; shift; }
	[ "$1" = -- ] && shift
	_vars="PERSONA_REGISTRY=$PERSONA_REGISTRY"
	if [ "$_envi" = "env -i" ]; then
		while case "$1" in *=*) true ;; *) false ;; esac; do _vars="$_vars $1"; shift; done
	fi
	_prog=$1
	if is_i386 "$_prog" && [ "$run32" = 0 ]; then
		skip "$_name" "$run32_why"
		skip "$_name (no ia32 calls)" "$run32_why"
		return
	fi
	_exp=$expect_dir/$(expect_name "$_name")
	if [ "$native_i386" = 0 ] && is_i386 "$_prog"; then
		if [ "$_portable" = 0 ] || [ ! -f "$_exp.rc" ]; then
			_why="no native run here ($native_why)"
			[ "$_portable" = 0 ] && _why="$_why, and its result depends on the host"
			[ "$_portable" = 1 ] && _why="$_why, and no recorded result ($_exp.rc; make expect)"
			skip "$_name" "$_why"
			skip "$_name (no ia32 calls)" "$_why"
			return
		fi
		# the recorded native result stands in for the native run
		for _k in out err rc files; do cp "$_exp.$_k" "$t/n.$_k" 2>/dev/null || : >"$t/n.$_k"; done
	else
		# shellcheck disable=SC2086
		run_in "$t/native" "$t/n" $_envi $_vars "$@"
		for _k in out err rc files; do normalize "$t/n.$_k" >"$t/n.norm" && mv "$t/n.norm" "$t/n.$_k"; done
		if [ "$_portable" = 1 ] && [ "${PERSONA_EXPECT_RECORD:-}" = 1 ]; then
			mkdir -p "$expect_dir"
			for _k in out err rc files; do cp "$t/n.$_k" "$_exp.$_k"; done
		fi
	fi
	# shellcheck disable=SC2086
	run_in "$t/persona" "$t/p" $_envi $_vars "$persona" run $PERSONA_RUN_OPTS "$@"
	for _k in out err rc files; do normalize "$t/p.$_k" >"$t/p.norm" && mv "$t/p.norm" "$t/p.$_k"; done
	compare "$_name" "$t/n" "$t/p" "$_dir"
	if [ "$noia32_works" = 0 ]; then
		skip "$_name (no ia32 calls)" "cannot install a seccomp filter"
		return
	fi
	# shellcheck disable=SC2086
	run_in "$t/persona" "$t/s" "$noia32" $_envi $_vars "$persona" run $PERSONA_RUN_OPTS "$@"
	for _k in out err rc files; do normalize "$t/s.$_k" >"$t/s.norm" && mv "$t/s.norm" "$t/s.$_k"; done
	compare "$_name (no ia32 calls)" "$t/n" "$t/s" "$_dir"
}
