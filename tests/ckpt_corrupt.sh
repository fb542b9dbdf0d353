#!/bin/sh
# Damaged and mismatched checkpoints are refused, never used: `cpwl erm`,
# `cpwl regions` and `cpwl equiv` given --resume F with F truncated (0
# bytes, inside the header, inside a record, before and inside the end
# line), one byte changed (header, payload, end line), written for another
# network or data or other options (width, loss, box, --linear), of
# another kind (an erm checkpoint given to regions), a directory, or a
# missing file, must exit with status 2 and a message on stderr naming the
# file and what is wrong; a refused file given as --checkpoint too stays
# as it was.  The undamaged files resume to the uninterrupted answer (so
# the refusals are not the only answer).  Bad --every values and a
# checkpoint in a missing directory are input errors too.  Every cpwl call
# runs under $CPWL_WRAP (valgrind in make check-valgrind).

: "${CPWL:?CPWL must name the cpwl binary}"
here=$(dirname "$0")
. "$here/scale_util.sh"
cpwl() { $CPWL_WRAP "$CPWL" "$@"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-ckpt-bad.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' 1 2 15

# Small computations, a fraction of a second each.
gen_erm 7 2 3 >"$tmp/erm.csv"
gen_erm 7 2 4 >"$tmp/erm-other.csv"
gen_net 5 3 5 5 >"$tmp/net.json"
gen_net 6 3 5 5 >"$tmp/net-other.json"
cpwl build scale "$tmp/net.json" --by 2 -o "$tmp/net2.json" || exit 99
box="-1:1,-1:1,-1:1"

# complete KIND F ARGS...: a complete checkpoint F of `cpwl ARGS` (the
# run's last write holds every unit) and the reference output F.ref.
complete() {
    _f=$1
    shift
    cpwl "$@" --checkpoint "$_f" >"$_f.raw" 2>"$_f.err"
    _st=$?
    if [ "$_st" -ne 0 ] || [ ! -s "$_f" ]; then
        echo "Bail out! cpwl $* --checkpoint: status $_st, $(head -c 300 "$_f.err")"
        exit 99
    fi
    scale_norm <"$_f.raw" >"$_f.ref"
}

complete "$tmp/erm.ckpt" erm "$tmp/erm.csv" --width 2
complete "$tmp/reg.ckpt" regions "$tmp/net.json" --box "$box"
complete "$tmp/eq.ckpt" equiv "$tmp/net.json" "$tmp/net2.json"

# refused NAME F WORDS ARGS...: `cpwl ARGS --resume F` exits with 2 and
# its stderr names F and matches the extended regexp WORDS (one line).
refused() {
    _name=$1
    _f=$2
    _words=$3
    shift 3
    cpwl "$@" --resume "$_f" >"$tmp/out" 2>"$tmp/err"
    _st=$?
    why=""
    [ "$_st" -eq 2 ] || why="status $_st, expected 2"
    grep -qF -- "$_f" "$tmp/err" || why="$why; the message does not name $_f"
    grep -qiE -- "$_words" "$tmp/err" || why="$why; no /$_words/ in the message"
    [ -n "$why" ] && why="$why (stderr: $(head -c 300 "$tmp/err"))"
    scale_report "$_name: refused (exit 2, the file named, /$_words/)" "$why"
}

# The positive controls first: every undamaged checkpoint resumes.
resumes() {
    _name=$1
    _f=$2
    shift 2
    cpwl "$@" --resume "$_f" >"$tmp/out" 2>"$tmp/err"
    _st=$?
    why=""
    [ "$_st" -eq 0 ] || why="status $_st: $(head -c 300 "$tmp/err")"
    scale_norm <"$tmp/out" | cmp -s - "$_f.ref" || why="$why; another answer"
    scale_report "$_name: the undamaged checkpoint resumes to the same answer" "$why"
}
resumes erm "$tmp/erm.ckpt" erm "$tmp/erm.csv" --width 2
resumes regions "$tmp/reg.ckpt" regions "$tmp/net.json" --box "$box"
resumes equiv "$tmp/eq.ckpt" equiv "$tmp/net.json" "$tmp/net2.json"

# Byte offsets in the erm checkpoint: the end of the header (the line
# after `key`), inside the first record's payload, the start of the end
# line.
f=$tmp/erm.ckpt
size=$(wc -c <"$f")
hdr=$(LC_ALL=C awk '{ n += length($0) + 1 } /^key / { print n; exit }' "$f")
rec=$(grep -abo '^unit [0-9]' "$f" | head -1 | cut -d: -f1)
endl=$(grep -abo '^end [0-9]' "$f" | tail -1 | cut -d: -f1)
if [ -z "$hdr" ] || [ -z "$rec" ] || [ -z "$endl" ]; then
    echo "Bail out! $f is not in the format of docs/checkpoint.md:"
    head -c 400 "$f"
    exit 99
fi
# the first record's header line ends here; its payload follows
recpay=$((rec + $(tail -c +$((rec + 1)) "$f" | head -n 1 | wc -c)))

cut_at() { head -c "$1" "$f" >"$tmp/cut.ckpt"; }
E="erm $tmp/erm.csv --width 2"

cut_at 0
refused "erm: an empty checkpoint" "$tmp/cut.ckpt" "empty|not a cpwl checkpoint|truncated" $E
cut_at 10
refused "erm: cut inside the first line" "$tmp/cut.ckpt" "not a cpwl checkpoint|truncated" $E
cut_at "$hdr"
refused "erm: cut after the header" "$tmp/cut.ckpt" "truncated" $E
cut_at $((recpay + 1))
refused "erm: cut inside the first record's payload" "$tmp/cut.ckpt" "truncated|beyond the end" $E
cut_at "$endl"
refused "erm: cut before the end line" "$tmp/cut.ckpt" "truncated" $E
cut_at $((endl + 6))
refused "erm: cut inside the end line" "$tmp/cut.ckpt" "truncated|end line|checksum" $E
cut_at $((size - 1))
refused "erm: the last byte missing" "$tmp/cut.ckpt" "truncated|end line|checksum" $E

# flip OFFSET: one byte of the erm checkpoint changed (x -> y, or any
# other byte -> x) into $tmp/flip.ckpt.
flip() {
    cp "$f" "$tmp/flip.ckpt"
    _b=$(dd if="$f" bs=1 skip="$1" count=1 2>/dev/null)
    if [ "$_b" = x ]; then _n=y; else _n=x; fi
    printf '%s' "$_n" | dd of="$tmp/flip.ckpt" bs=1 seek="$1" conv=notrunc 2>/dev/null
    cmp -s "$f" "$tmp/flip.ckpt" && { echo "Bail out! flip $1 changed nothing"; exit 99; }
}
# inside the key line (its last value): the checksum no longer matches
flip $((hdr - 2))
refused "erm: a byte of the header changed" "$tmp/flip.ckpt" "checksum|damaged|another computation" $E
flip $((recpay + 2))
refused "erm: a byte of a payload changed" "$tmp/flip.ckpt" "checksum|damaged" $E
flip $((size - 3))
refused "erm: a digit of the checksum changed" "$tmp/flip.ckpt" "checksum|damaged|end line" $E
flip 2
refused "erm: the first line changed" "$tmp/flip.ckpt" "not a cpwl checkpoint|checksum" $E

# Other computations.
refused "erm: a checkpoint of other data" "$tmp/erm.ckpt" "another computation" \
    erm "$tmp/erm-other.csv" --width 2
refused "erm: a checkpoint of another width" "$tmp/erm.ckpt" "another computation" \
    erm "$tmp/erm.csv" --width 1
refused "erm: a checkpoint of another loss" "$tmp/erm.ckpt" "another computation" \
    erm "$tmp/erm.csv" --width 2 --loss l1
refused "erm: a checkpoint without --output-bias, for a run with it" "$tmp/erm.ckpt" "another computation" \
    erm "$tmp/erm.csv" --width 2 --output-bias
refused "regions: a checkpoint of another network" "$tmp/reg.ckpt" "another computation" \
    regions "$tmp/net-other.json" --box "$box"
refused "regions: a checkpoint of another box" "$tmp/reg.ckpt" "another computation" \
    regions "$tmp/net.json" --box "-1:1,-1:1,-1:2"
refused "regions: a checkpoint of all of R^n for a box" "$tmp/reg.ckpt" "another computation" \
    regions "$tmp/net.json"
refused "regions: a checkpoint without --linear" "$tmp/reg.ckpt" "another computation" \
    regions "$tmp/net.json" --box "$box" --linear
refused "equiv: a checkpoint of another pair" "$tmp/eq.ckpt" "another computation" \
    equiv "$tmp/net.json" "$tmp/net-other.json"
refused "regions: an erm checkpoint" "$tmp/erm.ckpt" "kind" \
    regions "$tmp/net.json" --box "$box"
refused "equiv: a regions checkpoint" "$tmp/reg.ckpt" "kind" \
    equiv "$tmp/net.json" "$tmp/net2.json"
refused "erm: an equiv checkpoint" "$tmp/eq.ckpt" "kind" $E

mkdir "$tmp/dir.ckpt"
refused "erm: a directory" "$tmp/dir.ckpt" "directory" $E
refused "erm: a missing file" "$tmp/missing.ckpt" "no such file" $E

# A refused file given as --checkpoint as well is left as it was.
cp "$tmp/reg.ckpt" "$tmp/keep.ckpt"
cpwl regions "$tmp/net.json" --box "-1:1,-1:1,-1:2" --resume "$tmp/keep.ckpt" \
    --checkpoint "$tmp/keep.ckpt" >/dev/null 2>&1
st=$?
why=""
[ "$st" -eq 2 ] || why="status $st, expected 2"
cmp -s "$tmp/reg.ckpt" "$tmp/keep.ckpt" || why="$why; the file was changed"
scale_report "regions: a refused checkpoint given to --checkpoint too is left unchanged" "$why"

# --every and --checkpoint themselves.
usage() {
    _name=$1
    _words=$2
    shift 2
    cpwl "$@" >"$tmp/out" 2>"$tmp/err"
    _st=$?
    why=""
    [ "$_st" -eq 2 ] || why="status $_st, expected 2"
    grep -qiE -- "$_words" "$tmp/err" || why="$why; no /$_words/ in: $(head -c 300 "$tmp/err")"
    scale_report "$_name (exit 2, /$_words/)" "$why"
}
usage "erm --every 0" "every" $E --checkpoint "$tmp/x.ckpt" --every 0
usage "erm --every -1" "every" $E --checkpoint "$tmp/x.ckpt" --every -1
usage "erm --every abc" "every" $E --checkpoint "$tmp/x.ckpt" --every abc
usage "erm --every without --checkpoint" "every" $E --every 1
usage "erm --checkpoint in a missing directory" "$tmp/no/such" $E --checkpoint "$tmp/no/such/x.ckpt"

echo "1..$scale_n"
[ "$scale_fails" -eq 0 ]
