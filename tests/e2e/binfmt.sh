#!/bin/sh
# tests/e2e/binfmt.sh — binfmt_misc registration, inside a private user and
# mount namespace (never system-wide): an i386 program started by a 64-bit
# shell runs under the personality, with its argv[0] kept.
build=${PERSONA_BUILD:-build}
persona=$(cd "$build" && pwd)/persona
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
. tests/e2e/lib/tap.sh

if ! gcc -m32 -static -O2 -I. -o "$t/probe" tests/e2e/src/probe_personality.c 2>"$t/cc.err"; then
	skip "binfmt" "cannot build i386 programs: $(head -1 "$t/cc.err")"; exit 0
fi
if ! unshare -Urm true 2>/dev/null; then
	skip "binfmt" "user namespaces are not available"; exit 0
fi

# persona binfmt refuses plainly without binfmt_misc or privilege
out=$(unshare -Urm sh -c "umount /proc/sys/fs/binfmt_misc 2>/dev/null; '$persona' binfmt install" 2>&1)
case "$out" in *"not mounted"*) ok "install without binfmt_misc says what to mount" ;;
*) bad "install without binfmt_misc says what to mount"; echo "  got: $out" ;; esac

cat >"$t/inside.sh" <<IN
set -e
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
echo "before: \$('$t/probe' | head -1)"
'$persona' binfmt install >/dev/null
'$persona' binfmt status | grep -q 'registered: yes' && echo "status: registered"
echo "after: \$(sh -c '$t/probe one two' | tr '\n' ' ')"
cd '$t' && echo "relative: \$(bash -c 'exec -a renamed ./probe x' | tr '\n' ' ')"
'$persona' binfmt remove >/dev/null
echo "removed: \$('$t/probe' | head -1)"
IN
res=$(unshare -Urm sh "$t/inside.sh" 2>&1)
native=$("$t/probe" 2>/dev/null | head -1)
if [ "$native" = "kernel" ] && "$persona" doctor --need ia32-exec >/dev/null; then
	check "before registration: the kernel runs it" "$(echo "$res" | sed -n 's/^before: //p')" "kernel"
	check "after removal: the kernel runs it again" "$(echo "$res" | sed -n 's/^removed: //p')" "kernel"
else
	skip "before/after registration run by the kernel" "this kernel cannot run i386 programs itself"
fi
check "status reports the entry" "$(echo "$res" | sed -n 's/^status: //p')" "registered"
if run32_why=$("$persona" doctor --need cs32); then
	check "exec from a 64-bit shell runs under the personality" \
		"$(echo "$res" | sed -n 's/^after: //p')" "personality argv[0]=$t/probe argv[1]=one argv[2]=two "
	check "argv[0] is kept" "$(echo "$res" | sed -n 's/^relative: //p')" "personality argv[0]=renamed argv[1]=x "
else
	skip "exec from a 64-bit shell runs under the personality" "$run32_why"
	skip "argv[0] is kept" "$run32_why"
fi
echo "# inside: $res" | head -20
