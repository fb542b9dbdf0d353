#!/bin/sh
# Mutation check of the proven double error bounds (docs/numerics.md,
# "Mutation check"): each mutant below removes ONE rounding term of one
# bound; the script builds the tree with the mutant and requires that one
# of the listed test programs fails.  It prints mutant -> killing test and
# exits 1 if a mutant survives (2 on a setup failure).
#
# Usage: tests/mutation.sh [SRCDIR [ID...]]   (make mutation-check)
# It works on a copy (the tracked files of SRCDIR as they are now, in a
# temporary directory) and never touches SRCDIR.  Slow: one rebuild of the
# library and a few test programs per mutant.  Not part of make check.
set -u

srcdir=${1:-.}
[ $# -gt 0 ] && shift
only="$*"
jobs=${MUTATION_JOBS:-2}

# id | file | original text (must occur exactly once) | replacement | tests
MUTANTS='
iv-add-u      | src/interval.h  | z.r = (x.r + y.r + U_D * fabs(z.m)) * (1 + 8 * U_D); | z.r = (x.r + y.r) * (1 + 8 * U_D); | test_interval
iv-add-8u     | src/interval.h  | z.r = (x.r + y.r + U_D * fabs(z.m)) * (1 + 8 * U_D); | z.r = (x.r + y.r + U_D * fabs(z.m)); | test_interval
iv-mul-rr     | src/interval.h  | fabs(y.m) * x.r + x.r * y.r + U_D | fabs(y.m) * x.r + U_D | test_interval
iv-mul-u      | src/interval.h  | x.r * y.r + U_D * fabs(z.m)) | x.r * y.r) | test_interval
iv-mul-8u     | src/interval.h  | * (1 + 8 * U_D) + 2 * ETA_D;\n    return z;\n}\n\n/* Requires | + 2 * ETA_D;\n    return z;\n}\n\n/* Requires | test_interval
iv-mul-eta    | src/interval.h  | * (1 + 8 * U_D) + 2 * ETA_D;\n    return z;\n}\n\n/* Requires | * (1 + 8 * U_D);\n    return z;\n}\n\n/* Requires | test_interval
iv-div-qeta   | src/interval.h  | + (fabs(z.m) + ETA_D) * y.r | + fabs(z.m) * y.r | test_interval
iv-div-numeta | src/interval.h  | * y.r + ETA_D) / den | * y.r) / den | test_interval
iv-div-u      | src/interval.h  | + U_D * fabs(z.m)) * SLACK_D + 2 * ETA_D; | ) * SLACK_D + 2 * ETA_D; | test_interval
iv-div-slack  | src/interval.h  | + U_D * fabs(z.m)) * SLACK_D + 2 * ETA_D; | + U_D * fabs(z.m)) + 2 * ETA_D; | test_interval
iv-div-eta    | src/interval.h  | + U_D * fabs(z.m)) * SLACK_D + 2 * ETA_D; | + U_D * fabs(z.m)) * SLACK_D; | test_interval
iv-q-53       | src/interval.h  | fmpz_bits(fmpq_numref(q)) <= 53 | fmpz_bits(fmpq_numref(q)) <= 54 | test_interval
iv-q-u        | src/interval.h  | z.r = U_D * fabs(z.m) * (1 + 2 * U_D) + ETA_D; | z.r = ETA_D; | test_interval
iv-q-2u       | src/interval.h  | z.r = U_D * fabs(z.m) * (1 + 2 * U_D) + ETA_D; | z.r = U_D * fabs(z.m) + ETA_D; | test_interval
iv-q-eta      | src/interval.h  | z.r = U_D * fabs(z.m) * (1 + 2 * U_D) + ETA_D; | z.r = U_D * fabs(z.m) * (1 + 2 * U_D); | test_interval
row-g         | src/interval.c  | e += 4 * U_D * fabs(gd) * (fabs(pd) + pe) + fabs(gd) * pe; | e += fabs(gd) * pe; | test_interval
row-pe        | src/interval.c  | e += 4 * U_D * fabs(gd) * (fabs(pd) + pe) + fabs(gd) * pe; | e += 4 * U_D * fabs(gd) * (fabs(pd) + pe); | test_interval
row-c         | src/interval.c  | e += 4 * U_D * fabs(cd); | ; | test_interval
row-gamma     | src/interval.c  | e += 1.01 * (d + 1) * U_D * a + (d + 2) * ETA_D; | e += (d + 2) * ETA_D; | test_interval
row-eta       | src/interval.c  | e += 1.01 * (d + 1) * U_D * a + (d + 2) * ETA_D; | e += 1.01 * (d + 1) * U_D * a; | test_interval
row-slack     | src/interval.c  | z->r = SLACK_D * e; | z->r = e; | test_interval
in-u          | src/net_eval.c  | xe[j] = 2 * U_D * fabs(xd[j]) + ETA_D; | xe[j] = ETA_D; | test_interval test_net
in-eta        | src/net_eval.c  | xe[j] = 2 * U_D * fabs(xd[j]) + ETA_D; | xe[j] = 2 * U_D * fabs(xd[j]); | test_interval test_net
fa-S          | src/forms.c     | SLACK_D * (n3 * U_D * S + T | SLACK_D * (T | test_forms
fa-T          | src/forms.c     | n3 * U_D * S + T\n | n3 * U_D * S\n | test_forms
fa-eta        | src/forms.c     | + n3 * ETA_D * (1 + N)); | ); | test_forms
fa-n          | src/forms.c     | const double n3 = (double) (K->in + 3); | const double n3 = (double) (K->in + 1); | test_forms
fa-slack      | src/forms.c     | E[i * c + col] = SLACK_D * (n3 | E[i * c + col] = (n3 | test_forms
fl-u          | src/forms.c     | + 3 * U_D * fabs(s) * fabs(z) | | test_forms
fl-eta        | src/forms.c     | + ETA_D * (2 + fabs(z) + ez)); | ); | test_forms
fl-slack      | src/forms.c     | E[i * c + col] = SLACK_D * (fabs(s) | E[i * c + col] = (fabs(s) | test_forms
ev-T          | src/net_eval.c  | ez[i] = SLACK_D * ((double) (n + 3) * U_D * T + E | ez[i] = SLACK_D * (E | test_net
ev-n          | src/net_eval.c  | ez[i] = SLACK_D * ((double) (n + 3) * U_D * T + E | ez[i] = SLACK_D * ((double) (n + 1) * U_D * T + E | test_net
ev-E          | src/net_eval.c  | * U_D * T + E\n | * U_D * T\n | test_net
ev-eta        | src/net_eval.c  | + 2 * ETA_D * (C + S + (double) (n + 2))); | ); | test_net
ev-slack      | src/net_eval.c  | ez[i] = SLACK_D * ( | ez[i] = ( | test_net
el-u          | src/net_eval.c  | + 3 * U_D * fabs(s * z[i]) | | test_net
el-eta        | src/net_eval.c  | + 2 * ETA_D * (1 + fabs(z[i]))); | ); | test_net
el-slack      | src/net_eval.c  | ea[i] = SLACK_D * (lip | ea[i] = (lip | test_net
iv-z-2u       | src/interval.h  | z.r = b <= 53 ? 0 : 2 * U_D * fabs(z.m); | z.r = b <= 53 ? 0 : U_D * fabs(z.m); | test_interval
hull-8u       | src/interval.h  | z.r = (rx > ry ? rx : ry) * (1 + 8 * U_D); | z.r = (rx > ry ? rx : ry); | test_interval
fn-S          | src/forms_carry.c | E[3 * i + col] = SLACK_D * (n3 * U_D * S + T | E[3 * i + col] = SLACK_D * (T | test_forms
fn-T          | src/forms_carry.c | (n3 * U_D * S + T\n | (n3 * U_D * S\n | test_forms
fn-eta        | src/forms_carry.c | + n3 * ETA_D * (1 + N[col])); | ); | test_forms
fn-n          | src/forms_carry.c | const double n3 = (double) (K->in + 3); | const double n3 = (double) (K->in + 1); | test_forms
fn-slack      | src/forms_carry.c | E[3 * i + col] = SLACK_D * (n3 | E[3 * i + col] = (n3 | test_forms
up-u          | src/forms_carry.c | iv_set(sg * w[i], U_D * fabs(w[i]) + ETA_D) | iv_set(sg * w[i], ETA_D) | test_forms
up-eta        | src/forms_carry.c | iv_set(sg * w[i], U_D * fabs(w[i]) + ETA_D) | iv_set(sg * w[i], U_D * fabs(w[i])) | test_forms
ba-n          | src/batch.c     | double cn = (double) (n + 3) * U_D; | double cn = (double) (n + 1) * U_D; | test_batch
ba-alpha-u    | src/batch.c     | B->alpha[i] = cn * fabs(L->bd[i]) + | B->alpha[i] = | test_batch
ba-alpha-eta  | src/batch.c     | B->alpha[i] = cn * fabs(L->bd[i]) + 2 * ETA_D * (double) (n + 2); | B->alpha[i] = cn * fabs(L->bd[i]); | test_batch
ba-beta-u     | src/batch.c     | B->beta[i] = cn * B->norm[i] + | B->beta[i] = | test_batch
ba-beta-eta   | src/batch.c     | B->beta[i] = cn * B->norm[i] + 2 * ETA_D * (double) (n + 1); | B->beta[i] = cn * B->norm[i]; | test_batch
ba-slack      | src/batch.c     | err = SLACK_D * (L->alpha[i] | err = (L->alpha[i] | test_batch
ba-leaky-slack | src/batch.c    | e = SLACK_D * (L->lip * err | e = (L->lip * err | test_batch
ba-leaky-u    | src/batch.c     | + 3 * U_D * fabs(L->slope * z) | | test_batch
ba-leaky-eta  | src/batch.c     | + 2 * ETA_D * (1 + fabs(z))); | ); | test_batch
ba-norm-eta   | src/batch.c     | return SLACK_D * sqrt(s + (double) (n + 1) * ETA_D); | return SLACK_D * sqrt(s); | test_batch
ba-norm-slack | src/batch.c     | return SLACK_D * sqrt(s + | return sqrt(s + | test_batch
avx2-slack    | src/batch.c     | __m256d slack = _mm256_set1_pd(SLACK_D); | __m256d slack = _mm256_set1_pd(1.0); | test_batch
avx2-u3       | src/batch.c     | __m256d u3 = _mm256_set1_pd(3 * U_D), | __m256d u3 = _mm256_set1_pd(0.0), | test_batch
avx2-eta      | src/batch.c     | eta2 = _mm256_set1_pd(2 * ETA_D); | eta2 = _mm256_set1_pd(0.0); | test_batch
avx512-slack  | src/batch.c     | __m512d slack = _mm512_set1_pd(SLACK_D); | __m512d slack = _mm512_set1_pd(1.0); | test_batch
avx512-u3     | src/batch.c     | __m512d u3 = _mm512_set1_pd(3 * U_D), | __m512d u3 = _mm512_set1_pd(0.0), | test_batch
avx512-eta    | src/batch.c     | eta2 = _mm512_set1_pd(2 * ETA_D); | eta2 = _mm512_set1_pd(0.0); | test_batch
ax-u          | src/sample_axis.h | + 4 * U_D * (fabs(A->w) + fabs(y)) | | test_sample_axis
ax-eta        | src/sample_axis.h | + 4 * ETA_D); | ); | test_sample_axis
ax-slack      | src/sample_axis.h | err = SLACK_D * (A->elo | err = (A->elo | test_sample_axis
mx-err        | src/net_eval.c  | ea[i] = eg[j] > ea[i] ? eg[j] : ea[i]; | ; | test_activations
abs-err       | src/net_eval.c  | a[i] = fabs(z[i]);\n                ea[i] = ez[i]; | a[i] = fabs(z[i]);\n                ea[i] = 0; | test_activations
ht-err        | src/net_eval.c  | : z[i];\n                ea[i] = ez[i]; | : z[i];\n                ea[i] = 0; | test_activations
k-slack       | src/fpbound.h   | #define SLACK_D (1.0 + 0x1p-30) | #define SLACK_D 1.0 | test_interval test_forms test_net test_batch
k-eta         | src/fpbound.h   | #define ETA_D 0x1p-1074 | #define ETA_D 0.0 | test_interval test_forms test_net test_batch
k-u           | src/fpbound.h   | #define U_D 0x1p-53 | #define U_D 0x1p-54 | test_interval test_forms test_net test_batch
ga-k-qq       | src/pacbayes/gauss_fast.c | #define K_QQ 6 | #define K_QQ 5 | test_gauss
ga-k-qs       | src/pacbayes/gauss_fast.c | #define K_QS 4 | #define K_QS 3 | test_gauss
ga-k-sqr      | src/pacbayes/gauss_fast.c | #define K_SQ_R 2 | #define K_SQ_R 1 | test_gauss
ga-k-sqd      | src/pacbayes/gauss_fast.c | #define K_SQ_D 5 | #define K_SQ_D 4 | test_gauss
ga-k-ss       | src/pacbayes/gauss_fast.c | #define K_SS 3 | #define K_SS 2 | test_gauss
ga-sum-n      | src/pacbayes/gauss_fast.c | _gauss_gamma_ratio(g, n - 1 + k); | _gauss_gamma_ratio(g, k); | test_gauss
ga-sum-err    | src/pacbayes/gauss_fast.c | arb_add_error_mag(res, m); | ; | test_gauss
ga-log-err    | src/pacbayes/gauss_fast.c | arb_add_error_mag(res, g); | ; | test_gauss
ga-log-n      | src/pacbayes/gauss_fast.c | _gauss_gamma_ratio(g, n - 1); | _gauss_gamma_ratio(g, n - 2); | test_gauss
ga-u          | src/pacbayes/gauss_fast.c | mag_set_ui_2exp_si(num, (ulong) n, -53); | mag_set_ui_2exp_si(num, (ulong) n, -54); | test_gauss
ga-fl-sig     | src/pacbayes/gauss_fast.c | (be - 1) > 2045; | 0; | test_gauss
ga-fl-a       | src/pacbayes/gauss_fast.c | (a < DBL_MIN) | (a < 0) | test_gauss
ga-fl-den     | src/pacbayes/gauss_fast.c | (den < DBL_MIN) | (den < 0) | test_gauss
ga-fl-T       | src/pacbayes/gauss_fast.c | (T < DBL_MIN) | (T < 0) | test_gauss
ga-fl-qs      | src/pacbayes/gauss_fast.c | a < DBL_MIN; | a < 0; | test_gauss
ga-fl-sp2     | src/pacbayes/gauss_fast.c | (sp2 < DBL_MIN) | (sp2 < 0) | test_gauss
ga-fl-R       | src/pacbayes/gauss_fast.c | (R < DBL_MIN) | (R < 0) | test_gauss
ga-fl-b       | src/pacbayes/gauss_fast.c | (((b < DBL_MIN) | (((b < 0) | test_gauss
ga-fl-D       | src/pacbayes/gauss_fast.c | (*D < DBL_MIN) | (*D < 0) | test_gauss
ga-fl-ss      | src/pacbayes/gauss_fast.c | & (b < DBL_MIN); | & (b < 0); | test_gauss
'

# Known survivors: id | why no test kills it.  They are run and shown
# (and a known survivor that gets killed is reported, to be removed from
# here), but only a survivor NOT listed here makes the script fail.
KNOWN='
'

say() { printf '%s\n' "$*"; }

# The reason when id is a known survivor, else empty.
known() {
    printf '%s\n' "$KNOWN" | awk -v id="$1" '
        { i = index($0, "|"); k = substr($0, 1, i - 1); gsub(/ /, "", k) }
        i > 0 && k == id { w = substr($0, i + 1); sub(/^ +/, "", w); print w }'
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-mutation.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# The tracked files as they are now (edits included), never SRCDIR itself.
(cd "$srcdir" && git ls-files -z | xargs -0 tar cf -) | (mkdir -p "$tmp/src" && cd "$tmp/src" && tar xf -) || exit 2
cp -a "$tmp/src" "$tmp/pristine" || exit 2
cd "$tmp/src" || exit 2
say "mutation: building the unmutated tree in $tmp/src"
if ! { ./bootstrap && ./configure --disable-shared && make -j"$jobs"; } >"$tmp/build.log" 2>&1; then
    tail -20 "$tmp/build.log"
    say "mutation: the unmutated tree does not build"
    exit 2
fi

# apply FILE OLD NEW: replace the one occurrence of OLD (\n = newline).
apply() {
    python3 - "$1" "$2" "$3" <<'EOF'
import sys
path, old, new = sys.argv[1], sys.argv[2].replace('\\n', '\n'), sys.argv[3].replace('\\n', '\n')
s = open(path).read()
n = s.count(old)
if n != 1:
    sys.stderr.write('%s: %d occurrences of %r\n' % (path, n, old))
    sys.exit(1)
open(path, 'w').write(s.replace(old, new))
EOF
}

trim() { printf '%s' "$1" | sed 's/^ *//; s/ *$//'; }

# The unmutated tests must pass, or a "kill" means nothing.
alltests=$(printf '%s\n' "$MUTANTS" | awk -F'|' 'NF >= 5 { print $5 }' | tr ' ' '\n' | sort -u | grep .)
for t in $alltests; do
    if ! make "tests/$t" >>"$tmp/build.log" 2>&1 || ! "./tests/$t" >"$tmp/$t.log" 2>&1; then
        say "mutation: tests/$t fails without a mutant"
        exit 2
    fi
done

printf '%-14s %-16s %s\n' MUTANT FILE KILLED-BY
printf '%s\n' "$MUTANTS" | while IFS='|' read -r id file old new tests; do
    id=$(trim "$id")
    [ -z "$id" ] && continue
    if [ -n "$only" ]; then
        case " $only " in *" $id "*) ;; *) continue ;; esac
    fi
    why=$(known "$id")
    file=$(trim "$file")
    old=$(trim "$old")
    new=$(trim "$new")
    if ! apply "$file" "$old" "$new"; then
        say "mutation: mutant $id does not apply"
        echo "$id" >>"$tmp/survivors"
        continue
    fi
    by=""
    if ! make -j"$jobs" libcpwl.la >"$tmp/m.log" 2>&1; then
        by="BUILD-FAILS"
    else
        for t in $tests; do
            if ! make "tests/$t" >>"$tmp/m.log" 2>&1 \
               || ! CK_FORK=yes timeout 300 "./tests/$t" >"$tmp/t.log" 2>&1; then
                by=$t
                break
            fi
        done
    fi
    cp "$tmp/pristine/$file" "$file"
    if [ -n "$by" ] && [ "$by" != BUILD-FAILS ]; then
        printf '%-14s %-16s %s%s\n' "$id" "$file" "$by" \
            "${why:+ (listed as a known survivor: remove it there)}"
    elif [ -n "$why" ] && [ -z "$by" ]; then
        printf '%-14s %-16s %s\n' "$id" "$file" "survived (known: $why)"
        echo "$id" >>"$tmp/known"
    else
        printf '%-14s %-16s %s\n' "$id" "$file" "${by:-SURVIVED}"
        echo "$id" >>"$tmp/survivors"
    fi
done

if [ -s "$tmp/survivors" ]; then
    say "mutation: $(wc -l <"$tmp/survivors") mutant(s) survived: $(tr '\n' ' ' <"$tmp/survivors")"
    exit 1
fi
if [ -s "$tmp/known" ]; then
    say "mutation: every mutant killed but $(wc -l <"$tmp/known") known survivor(s)"
else
    say "mutation: every mutant killed"
fi
exit 0
