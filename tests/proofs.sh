#!/bin/sh
# The exact tables of proofs-data/: regenerate them (proofs-data/gen) and
# compare them byte for byte with the stored files; `make proofs-data`
# rewrites the stored ones.
: "${CPWL_PROOFS_GEN:?}" "${CPWL_PROOFS_DIR:?}"
out=$(mktemp -d) || exit 99
trap 'rm -rf "$out"' EXIT
pass=0
fail=0
if ! $CPWL_WRAP "$CPWL_PROOFS_GEN" --out "$out"; then
    echo "FAIL: proofs-data/gen"
    exit 1
fi
for f in "$out"/*.csv "$out"/*.md; do
    name=$(basename "$f")
    stored="$CPWL_PROOFS_DIR/$name"
    if [ ! -f "$stored" ]; then
        echo "FAIL: $name is not in proofs-data/ (run make proofs-data)"
        fail=$((fail + 1))
    elif cmp -s "$stored" "$f"; then
        pass=$((pass + 1))
    else
        echo "FAIL: $name: the regenerated table differs from the stored one:"
        diff "$stored" "$f" | head -20
        fail=$((fail + 1))
    fi
done
echo "proofs-data: $pass files match, $fail differ"
# every stored table (.csv and .md) was regenerated: none is left behind
want=$(ls "$CPWL_PROOFS_DIR"/*.csv | wc -l)
[ "$fail" -eq 0 ] && [ "$pass" -eq $((2 * want)) ]
