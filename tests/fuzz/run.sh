#!/bin/sh
# make fuzz: build the library sources and each harness with clang's
# libFuzzer + ASan + UBSan (outside the automake build, which stays on the
# configured compiler) and run each harness for FUZZ_TIME seconds.
#
#   run.sh SRCDIR OUTDIR LIBSOURCE.c...
#
# Environment (set by make fuzz): FUZZ_CC (clang), FUZZ_TIME (seconds per
# harness), FUZZ_TARGETS (harness names, default all), FUZZ_CFLAGS
# (preprocessor flags and Cairo's), FUZZ_LIBS (what libcpwl links).
# New corpus entries go to OUTDIR/corpus/<harness>, crashes to
# OUTDIR/artifacts; the seed corpus in SRCDIR/tests/fuzz/corpus is read
# only (add a finding there by hand, once fixed).
set -u
srcdir=$1; out=$2; shift 2
cc=${FUZZ_CC:-clang}
time=${FUZZ_TIME:-60}
targets=${FUZZ_TARGETS:-"net_json csv cert domain objective dist matrix gauss_json idx"}
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "make fuzz: $cc not found (install the Debian packages clang and libclang-rt-14-dev, or run ./bootstrap)" >&2
    exit 2
fi
mkdir -p "$out/obj" "$out/artifacts" || exit 1

# The library, instrumented for coverage but without libFuzzer's main.
objs=""
for src in "$@"; do
    o="$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
    if [ ! -f "$o" ] || [ "$srcdir/$src" -nt "$o" ]; then
        echo "  FUZZCC   $src"
        $cc -g -O1 -std=c11 -fsanitize=fuzzer-no-link $san $FUZZ_CFLAGS \
            -c "$srcdir/$src" -o "$o" || exit 1
    fi
    objs="$objs $o"
done

status=0
for t in $targets; do
    echo "  FUZZLD   fuzz_$t"
    $cc -g -O1 -std=c11 -fsanitize=fuzzer $san $FUZZ_CFLAGS \
        -I"$srcdir/tests/fuzz" "$srcdir/tests/fuzz/fuzz_$t.c" $objs \
        $FUZZ_LIBS -o "$out/fuzz_$t" || exit 1
    mkdir -p "$out/corpus/$t"
    echo "  FUZZ     fuzz_$t for ${time}s"
    # A run longer than 10 s or above 2 GB is a finding (hang, blow-up).
    "$out/fuzz_$t" -max_total_time="$time" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$out/artifacts/$t-" -print_final_stats=1 \
        "$out/corpus/$t" "$srcdir/tests/fuzz/corpus/$t" \
        > "$out/fuzz_$t.log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz_$t.log")
    if [ $rc -ne 0 ]; then
        status=1
        echo "fuzz_$t: FINDING after ${runs:-?} runs (log $out/fuzz_$t.log):"
        grep -E 'ERROR|SUMMARY|Test unit written|fuzz:' "$out/fuzz_$t.log" | head -20
    else
        echo "fuzz_$t: ${runs:-?} runs, no finding"
    fi
done
exit $status
