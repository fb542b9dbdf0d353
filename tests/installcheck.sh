#!/bin/sh
# The installed library as a user gets it: `make install` into a staging
# directory, examples/example.c compiled against it through pkg-config
# (cpwl.pc) and run.  Its answers are checked against closed forms: the
# tent map t(x) = 2 relu(x) - 4 relu(x - 1/2) has 3 linear pieces on
# [-1, 2] (slopes 0, 2, -2) and t(1/3) = 2/3; its 3-fold composition (tent3)
# has 2^3 = 8 linear pieces on [0, 1] (Telgarsky) and t(t(t(1/5))) = 2/5.
set -u
: "${CPWL_BUILDDIR:?}" "${CPWL_EXAMPLES:?}"
MAKE=${CPWL_MAKE:-make}
CC=${CPWL_CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

if ! $MAKE -C "$CPWL_BUILDDIR" install DESTDIR="$tmp/stage" \
        >"$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"; echo "FAIL: make install"; exit 1
fi
pc=$(find "$tmp/stage" -name cpwl.pc | head -1)
[ -n "$pc" ] || { echo "FAIL: cpwl.pc not installed"; exit 1; }
for h in cpwl.h cpwl/version.h cpwl/net.h; do
    [ -n "$(find "$tmp/stage" -path "*/include/$h")" ] ||
        { echo "FAIL: $h not installed"; fail=1; }
done
# Only the public API is exported, and all of it carries the prefix: a
# program may define json_parse or lp_init without a clash.
so=$(find "$tmp/stage" -name 'libcpwl.so.*' -type f | head -1)
if [ -n "$so" ] && command -v nm >/dev/null; then
    nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' \
        >"$tmp/syms"
    bad=$(grep -v '^cpwl_' "$tmp/syms" | head -5)
    nsyms=$(wc -l <"$tmp/syms")
    echo "exported symbols: $nsyms"
    [ -z "$bad" ] || { echo "FAIL: exported without the cpwl_ prefix: $bad"; fail=1; }
    grep -qx 'cpwl_net_eval_fmpq' "$tmp/syms" ||
        { echo "FAIL: cpwl_net_eval_fmpq is not exported"; fail=1; }
    # anchored: cpwl_mlp_init contains lp_init
    ! grep -q '^json_parse\|^lp_init\|^onnx__' "$tmp/syms" ||
        { echo "FAIL: internal functions are exported"; fail=1; }
fi
prefix=$(sed -n 's/^prefix=//p' "$pc")
libdir=$(dirname "$(dirname "$pc")")
# The .pc file names the final prefix; a copy points at the staging tree,
# as the file of a relocated installation would.
mkdir "$tmp/pc"
sed "s|^prefix=.*|prefix=$tmp/stage$prefix|" "$pc" >"$tmp/pc/cpwl.pc"
flags=$(PKG_CONFIG_PATH="$tmp/pc" pkg-config --cflags --libs cpwl) ||
    { echo "FAIL: pkg-config cpwl"; exit 1; }
echo "pkg-config: $flags"
# shellcheck disable=SC2086
if ! $CC ${CPWL_CFLAGS:-} "$CPWL_EXAMPLES/example.c" $flags ${CPWL_LDFLAGS:-} \
        -o "$tmp/example" 2>"$tmp/cc.log"; then
    cat "$tmp/cc.log"; echo "FAIL: example.c does not build"; exit 1
fi

run()
{
    LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        "$tmp/example" "$@"
}

check()
{
    # check NET BOX POINT ACTIVATION LINEAR VALUE
    out=$(run "$CPWL_EXAMPLES/$1" "$2" "$3") || { echo "FAIL: example $1 exited $?"; fail=1; return; }
    echo "$out"
    echo "$out" | grep -qx "linear regions: $5" ||
        { echo "FAIL: $1 on $2: expected $5 linear regions"; fail=1; }
    [ -z "$4" ] || echo "$out" | grep -qx "activation regions: $4" ||
        { echo "FAIL: $1 on $2: expected $4 activation regions"; fail=1; }
    echo "$out" | grep -qx "f($3) = $6" ||
        { echo "FAIL: $1: expected f($3) = $6"; fail=1; }
}

check tent.json "-1:2" "1/3" 3 3 "2/3"
check tent3.json "0:1" "1/5" "" 8 "2/5"
out=$(run "$CPWL_EXAMPLES/example.c" "0:1" "0" 2>&1); st=$?
[ "$st" = 2 ] && echo "$out" | grep -q "example:" ||
    { echo "FAIL: a bad network file must give status 2 and a message, got $st: $out"; fail=1; }
run "$CPWL_EXAMPLES/tent.json" "0:1" "0" | head -1 | grep -q "^cpwl [0-9]" ||
    { echo "FAIL: version line"; fail=1; }
exit $fail
