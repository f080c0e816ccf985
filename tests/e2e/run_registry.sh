#!/bin/sh
# tests/e2e/run_registry.sh — personality images in a registry: install,
# list, run picks the registered image, a reinstall reaches the next exec
# while a running process keeps the image it mapped.
build=${PERSONA_BUILD:-build}
persona=$(cd "$build" && pwd)/persona
image=$(cd "$build" && pwd)/linux-i386.img
progdir=$(cd "$build/prog" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
export PERSONA_REGISTRY="$t/reg"
n=0
ok()   { n=$((n + 1)); echo "ok $n - $1"; }
bad()  { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; echo "  failed: $2"; fi; }
run32=1
run32_why=$("$persona" doctor --need cs32) || run32=0

"$persona" list >"$t/list0" 2>&1
check "list of an empty registry says so" 'grep -q "(empty)" "$t/list0" && grep -q "build tree" "$t/list0"'
if [ "$run32" = 1 ]; then
	"$persona" run "$progdir/hello-static" >"$t/out" 2>/dev/null
	check "nothing registered: the build tree's image runs programs" 'grep -q "hello, world" "$t/out"'
else
	skip "nothing registered: the build tree's image runs programs" "$run32_why"
fi

"$persona" install linux-i386 "$image" >"$t/inst" 2>&1
check "install copies the image into the registry" '[ $? = 0 ] && cmp -s "$image" "$t/reg/linux-i386.img"'
"$persona" list >"$t/list1" 2>&1
sum=$(sha256sum "$image" | cut -d' ' -f1)
check "list shows name, file and what it serves" 'grep -q "^linux-i386 *$t/reg/linux-i386.img" "$t/list1" && grep -q "ELF32/i386" "$t/list1" && grep -q "ELF64/x86-64" "$t/list1"'
check "list shows the sha256 of the file" 'grep -q "sha256 $sum" "$t/list1"'

printf 'not an image\n' >"$t/bogus"
"$persona" install other "$t/bogus" >/dev/null 2>"$t/err"
check "install refuses a file that is no image" '[ $? != 0 ] && grep -q "bogus: not" "$t/err" && [ ! -e "$t/reg/other.img" ]'
"$persona" install "../evil" "$image" >/dev/null 2>"$t/err"
check "install refuses a bad name" '[ $? = 2 ]'

bb=$(dpkg -L busybox-static 2>/dev/null | grep '/bin/busybox$' | head -1)
if [ -z "$bb" ]; then
	skip "the registered image is mapped" "no i386 busybox"
	exit 0
fi
if [ "$run32" = 0 ]; then
	skip "the registered image is mapped, kept, replaced at the next exec" "$run32_why"
	exit 0
fi
"$persona" run "$bb" cat /proc/self/maps >"$t/maps" 2>&1
check "run maps the registered image at its fixed address" 'grep "^ff000000-" "$t/maps" | grep -q "$t/reg/linux-i386.img"'

# reinstall while a program runs: it keeps its image, its next exec maps the new one
"$persona" run "$bb" sh -c "sleep 1; cat /proc/\$\$/maps >'$t/old'; cat /proc/self/maps >'$t/new'" &
sleep 0.3
"$persona" install linux-i386 "$image" >/dev/null 2>&1
wait
check "a running process keeps the image it mapped" 'grep "^ff000000-" "$t/old" | grep -q "linux-i386.img (deleted)"'
check "its next exec maps the image registered now" 'grep "^ff000000-" "$t/new" | grep -v deleted | grep -q "$t/reg/linux-i386.img"'
