#!/bin/sh
# Replays every fuzz corpus (tests/fuzz/corpus/<harness>/, seeds and the
# regression inputs of past findings) through its harness, built with the
# normal compiler: under the sanitizer build any report fails the test,
# under CPWL_WRAP (valgrind) any memcheck error does.  The harness itself
# aborts when a reader breaks its contract (see tests/fuzz/fuzz.h).
: "${CPWL_FUZZ_BIN:?run from make check}" "${CPWL_FUZZ_CORPUS:?run from make check}"
status=0
for h in net_json csv cert domain onnx objective dist matrix gauss_json idx; do
    n=$(ls "$CPWL_FUZZ_CORPUS/$h" | wc -l)
    if [ "$n" -lt 1 ]; then
        echo "FAIL: corpus $h is empty"
        status=1
        continue
    fi
    out=$($CPWL_WRAP "$CPWL_FUZZ_BIN/replay_$h" "$CPWL_FUZZ_CORPUS/$h" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] || ! echo "$out" | grep -q "^replayed $n inputs$"; then
        echo "FAIL: replay $h (exit $rc):"
        echo "$out" | tail -40
        status=1
    else
        echo "ok: replay $h ($n inputs)"
    fi
done
exit $status
