# tests/e2e/lib/tap.sh — the TAP lines of the end-to-end scripts that are not
# differential (sourced from the tree's root, as tests/run.sh runs them):
#   ok NAME, bad NAME, skip NAME REASON   one numbered line each
#   check NAME GOT WANT                    ok when equal, else bad and both
n=0
ok()   { n=$((n + 1)); echo "ok $n - $1"; }
bad()  { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1"; printf '  got:  %s\n  want: %s\n' "$2" "$3"; fi; }
