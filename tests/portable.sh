#!/bin/sh
# The portable batch kernel is the reference: every command that takes
# --kernel (sample, crosscheck) must print the same thing, byte for byte,
# with --kernel portable as with the default kernel and with every other
# kernel built and run here (AVX2, AVX-512), apart from the kernel's name
# and the timings.  Run by make check in every build, so a --disable-simd
# build checks the portable kernel against itself and the default choice.
: "${CPWL:?run from make check}" "${CPWL_EXAMPLES:?}" "${CPWL_TESTDATA:?}"
EX=$CPWL_EXAMPLES
tmp=${TMPDIR:-/tmp}/cpwl-portable.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0

# Drop what may differ: the kernel's name, seconds and rates.
norm()
{
    sed -e '/^kernel /d' -e '/^seconds /d' -e '/^throughput /d' \
        -e 's/"kernel": "[a-z0-9]*"/"kernel": K/' \
        -e 's/"seconds[a-z_]*": [0-9.e+-]*/"seconds": S/g' \
        -e 's/"points_per_second": [0-9.e+-]*/"points_per_second": R/'
}

# Kernels to compare with portable: avx2/avx512 when this cpwl has them
# and this CPU runs them (the refusal says which); the default (auto) is
# one of those, or portable itself when none runs, then compared as auto.
kernels=""
for k in avx2 avx512; do
    $CPWL_WRAP "$CPWL" sample "$EX/tent.json" --box -1:1 --points 3 \
        --kernel $k > "$tmp/probe" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
        kernels="$kernels $k"
    elif [ $rc -eq 2 ] && grep -Eq 'not built|does not run' "$tmp/probe"; then
        echo "skip: --kernel $k: $(cat "$tmp/probe")"
    else
        echo "FAIL: --kernel $k probe exited $rc:"; cat "$tmp/probe"
        fail=$((fail + 1))
    fi
done

kernels=${kernels:-auto}

# One case: a command line without --kernel; compared across kernels.
check()
{
    name=$1; shift
    $CPWL_WRAP "$CPWL" "$@" --kernel portable > "$tmp/ref.raw" 2>&1
    rc_ref=$?
    norm < "$tmp/ref.raw" > "$tmp/ref"
    if [ $rc_ref -ne 0 ]; then
        echo "FAIL: $name: --kernel portable exited $rc_ref:"; cat "$tmp/ref.raw"
        fail=$((fail + 1))
        return
    fi
    for k in $kernels; do
        $CPWL_WRAP "$CPWL" "$@" --kernel $k > "$tmp/out.raw" 2>&1
        rc=$?
        norm < "$tmp/out.raw" > "$tmp/out"
        if [ $rc -ne $rc_ref ] || ! cmp -s "$tmp/ref" "$tmp/out"; then
            echo "FAIL: $name: --kernel $k (exit $rc) differs from portable:"
            diff "$tmp/ref" "$tmp/out" | head -20
            fail=$((fail + 1))
        else
            pass=$((pass + 1))
        fi
    done
}

for net in tent tent3 leaky; do
    check "sample $net grid" sample "$EX/$net.json" --box -2:2 --points 2001 --list --stats
    check "sample $net random" sample "$EX/$net.json" --box -3:5/2 --random 3000 --seed 7 --json --list
    check "crosscheck $net" crosscheck "$EX/$net.json" --box -2:2 --points 5001 --stats
done
check "sample degenerate2d grid" sample "$EX/degenerate2d.json" --box -2:2,-2:2 --grid 151x151 --list --stats
check "sample degenerate2d line" sample "$EX/degenerate2d.json" --line "0,0;1,1/3" --box -3:3 --points 999 --json --list
check "sample halfplane random" sample "$CPWL_TESTDATA/halfplane.json" --box -1:1,-1:1 --random 4000 --seed 3 --list
check "crosscheck degenerate2d" crosscheck "$EX/degenerate2d.json" --box -2:2,-2:2 --grid 101x101 --json --stats
check "crosscheck degenerate2d slice" crosscheck "$EX/degenerate2d.json" --slice "0,0;1,0;1/2,1" --grid 81x81 --list
check "sample degenerate2d no-resolve" sample "$EX/degenerate2d.json" --box -1:1,-1:1 --grid 200x200 --no-resolve --stats

echo "$pass passed, $fail failed (kernels compared with portable: $kernels)"
[ $fail -eq 0 ]
