#!/bin/sh
# Every function, type, enumeration constant and macro declared in a public
# header include/cpwl/<module>.h is documented in docs/api/<module>.md under
# its installed name: cpwl_ + name (CPWL_ + NAME for upper-case names), or
# the name itself when it already has the prefix, so that the test holds
# both before and after the rename of the public API.  A function is
# documented by its prototype in a ```c block of the page, exactly as in
# the header (whitespace aside) with every public name installed; the
# other names when the page mentions them.
#
# The declarations are read by a small C-declaration-aware awk (comments,
# preprocessor lines, enum bodies, struct bodies, attributes, inline
# definitions).  The awk is checked on a fixture with a known answer, and,
# when universal-ctags is installed, against ctags on every header (two
# independent readers must agree).  The check itself is shown to fail on
# a header with one undocumented declaration of each kind and on a page
# whose prototype differs from the header's.

srcdir=${srcdir:-$(dirname "$0")/..}
# Headers that are internal (installed or not, they get no page).
PRIVATE="lp forms outfile"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-apidocs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' 1 2 15

fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# ---- the declaration reader ----------------------------------------------
# Prints "kind name" lines (kind: func, type, enum, macro, var) for the
# file-scope declarations of a C header; the include guard (the #define
# that follows the first #ifndef of the same name) is not part of the API.
# With -v PROTOS=1 also "proto name text" lines: each function's
# declaration, whitespace normalised.
cat >"$tmp/decls.awk" <<'EOF'
function lastid(s)
{
    sub(/[^A-Za-z_0-9]+$/, "", s)
    if (match(s, /[A-Za-z_][A-Za-z_0-9]*$/))
        return substr(s, RSTART, RLENGTH)
    return ""
}
# Remove __attribute__((...)) and its balanced parentheses.
function noattr(s,    i, j, depth, c)
{
    while ((i = index(s, "__attribute__")) > 0)
    {
        j = i + 13
        while (substr(s, j, 1) ~ /[ \t\n]/)
            j++
        depth = 0
        for (; j <= length(s); j++)
        {
            c = substr(s, j, 1)
            if (c == "(")
                depth++
            else if (c == ")" && --depth == 0)
                break
        }
        s = substr(s, 1, i - 1) " " substr(s, j + 1)
    }
    return s
}
function emit(kind, name)
{
    if (name != "" && name !~ /^(const|volatile|void|int|char|long|short|unsigned|signed|double|float)$/)
        print kind, name
}
# Whitespace-normalised text of a declaration.
function squash(s)
{
    gsub(/[ \t\n]+/, " ", s)
    gsub(/\( /, "(", s)
    gsub(/ \)/, ")", s)
    gsub(/ ,/, ",", s)
    sub(/^ /, "", s)
    sub(/ $/, "", s)
    return s
}
function decl(s,    t, name)
{
    s = noattr(s)
    gsub(/[ \t\n]+/, " ", s)
    sub(/^ /, "", s)
    sub(/ $/, "", s)
    if (s == "")
        return
    if (s ~ /^typedef /)
    {
        if (match(s, /\( *\* *[A-Za-z_][A-Za-z_0-9]*/))
            emit("type", lastid(substr(s, RSTART, RLENGTH)))
        else
        {
            t = s
            while (sub(/ *\[[^]]*\] *$/, "", t))
                ;
            emit("type", lastid(t))
        }
    }
    else if (index(s, "(") > 0)
    {
        t = substr(s, 1, index(s, "(") - 1)
        if (t ~ /^ *$/)
            return
        emit("func", lastid(t))
        if (PROTOS != "")
            print "proto", lastid(t), squash(s)
    }
    else if (s !~ /^(struct|union|enum) [A-Za-z_0-9]* *\{\}$/)
    {
        t = s
        sub(/=.*/, "", t)
        while (sub(/ *\[[^]]*\] *$/, "", t))
            ;
        emit("var", lastid(t))
    }
}
function enumbody(s,    n, i, parts, t)
{
    n = split(s, parts, ",")
    for (i = 1; i <= n; i++)
    {
        t = parts[i]
        sub(/^[ \t\n]+/, "", t)
        if (match(t, /^[A-Za-z_][A-Za-z_0-9]*/))
            emit("enum", substr(t, RSTART, RLENGTH))
    }
}
{ text = text $0 "\n" }
END {
    # 1. Comments and literals out (newlines kept).
    out = ""
    n = length(text)
    for (i = 1; i <= n; i++)
    {
        c = substr(text, i, 1)
        d = substr(text, i, 2)
        if (d == "/*")
        {
            j = index(substr(text, i + 2), "*/")
            if (j == 0)
                break
            seg = substr(text, i, j + 3)
            gsub(/[^\n]/, "", seg)
            out = out " " seg
            i += j + 2
        }
        else if (d == "//")
        {
            while (i <= n && substr(text, i, 1) != "\n")
                i++
            out = out "\n"
        }
        else if (c == "\"" || c == "'")
        {
            for (i++; i <= n && substr(text, i, 1) != c; i++)
                if (substr(text, i, 1) == "\\")
                    i++
            out = out "0"
        }
        else
            out = out c
    }
    # 2. Preprocessor lines: macros out, the rest dropped.
    nl = split(out, lines, "\n")
    code = ""
    guard = ""
    seen_ifndef = 0
    for (k = 1; k <= nl; k++)
    {
        line = lines[k]
        if (line !~ /^[ \t]*#/)
        {
            code = code line "\n"
            continue
        }
        while (line ~ /\\[ \t]*$/ && k < nl)
        {
            sub(/\\[ \t]*$/, "", line)
            line = line " " lines[++k]
        }
        sub(/^[ \t]*#[ \t]*/, "", line)
        if (line ~ /^ifndef[ \t]/ && !seen_ifndef)
        {
            seen_ifndef = 1
            sub(/^ifndef[ \t]+/, "", line)
            match(line, /^[A-Za-z_][A-Za-z_0-9]*/)
            guard = substr(line, RSTART, RLENGTH)
        }
        else if (line ~ /^define[ \t]/)
        {
            sub(/^define[ \t]+/, "", line)
            match(line, /^[A-Za-z_][A-Za-z_0-9]*/)
            name = substr(line, RSTART, RLENGTH)
            if (name != guard)
                emit("macro", name)
        }
    }
    # 3. Declarations: split at ';' outside braces; enum bodies give
    #    constants, other bodies (struct fields, inline code) are skipped.
    acc = ""
    n = length(code)
    for (i = 1; i <= n; i++)
    {
        c = substr(code, i, 1)
        if (c == "{")
        {
            depth = 1
            for (j = i + 1; j <= n && depth > 0; j++)
            {
                e = substr(code, j, 1)
                if (e == "{")
                    depth++
                else if (e == "}")
                    depth--
            }
            body = substr(code, i + 1, j - i - 2)
            if (acc ~ /(^|[^A-Za-z_0-9])enum[ \t\n]*[A-Za-z_0-9]*[ \t\n]*$/)
                enumbody(body)
            i = j - 1
            if (acc ~ /\)[ \t\n]*$/)
            {
                decl(acc)          # an inline function's definition
                acc = ""
            }
            else
                acc = acc "{}"
        }
        else if (c == ";")
        {
            decl(acc)
            acc = ""
        }
        else
            acc = acc c
    }
    decl(acc)
}
EOF

# A header's declarations: "kind name" lines, sorted.
decls() {
    awk -f "$tmp/decls.awk" "$1" | sort -u
}

# check.awk: arguments public.names (every public name, one a line),
# header.all (the reader's output with PROTOS=1: "kind name" and
# "proto name text" lines) and the page.  Prints one line per name the page
# does not document under its installed name and per prototype the page
# shows otherwise than the header (the statements of its ```c blocks,
# whitespace normalised, must include the prototype with every public name
# installed); exits 1 if any.
cat >"$tmp/check.awk" <<'EOF'
function inst(n)
{
    if (n ~ /^(cpwl_|CPWL_)/)
        return n
    return (n ~ /[a-z]/ ? "cpwl_" : "CPWL_") n
}
function installed(s,    out, id)
{
    out = ""
    while (match(s, /[A-Za-z_][A-Za-z_0-9]*/))
    {
        id = substr(s, RSTART, RLENGTH)
        out = out substr(s, 1, RSTART - 1) (id in pub ? inst(id) : id)
        s = substr(s, RSTART + RLENGTH)
    }
    return out s
}
function squash(s)
{
    gsub(/[ \t\n]+/, " ", s)
    gsub(/\( /, "(", s)
    gsub(/ \)/, ")", s)
    gsub(/ ,/, ",", s)
    sub(/^ /, "", s)
    sub(/ $/, "", s)
    return s
}
FNR == 1 { f++ }
f == 1 { pub[$1] = 1; next }
f == 2 && $1 == "proto" {
    t = $0
    sub(/^proto [^ ]* /, "", t)
    pn[++np] = inst($2)
    pt[np] = installed(t)
    next
}
f == 2 { kind[++n] = $1; name[n] = inst($2); next }
/^```/ { inc = ($0 ~ /^```c[ \t]*$/); text = text $0 "\n"; next }
inc && !/^[ \t]*#/ { code = code $0 "\n" }
{ text = text $0 "\n" }
END {
    bad = 0
    for (i = 1; i <= n; i++)
    {
        if (kind[i] == "func")
            re = "(^|[^A-Za-z0-9_])" name[i] "[ \t\n]*[(]"
        else
            re = "(^|[^A-Za-z0-9_])" name[i] "([^A-Za-z0-9_]|$)"
        if (text !~ re)
        {
            print page ": " name[i] " (" kind[i] ", declared in " header \
                  ") is not documented"
            bad = 1
        }
    }
    while ((i = index(code, "/*")) > 0)
    {
        j = index(substr(code, i + 2), "*/")
        code = substr(code, 1, i - 1) " " (j ? substr(code, i + j + 3) : "")
    }
    gsub(/__attribute__[ \t\n]*\(\([^;]*\)\)/, "", code)
    ns = split(code, st, ";")
    for (k = 1; k <= ns; k++)
        have[squash(st[k])] = 1
    for (i = 1; i <= np; i++)
        if (text ~ ("(^|[^A-Za-z0-9_])" pn[i] "[ \t\n]*[(]") && !(pt[i] in have))
        {
            print page ": the prototype of " pn[i] " is not the header's:"
            print "    " pt[i]
            bad = 1
        }
    exit bad
}
EOF

# check HEADER PAGE [ALL]: the messages of check.awk; status 1 if any.
# ALL is the reader's output for HEADER if already at hand.
check() {
    all=${3:-$tmp/check.all}
    [ -n "$3" ] || awk -v PROTOS=1 -f "$tmp/decls.awk" "$1" >"$all"
    grep -q -v '^proto ' "$all" || return 0
    if [ ! -f "$2" ]; then
        echo "missing page $2 for $1"
        return 1
    fi
    awk -v page="$2" -v header="$1" -f "$tmp/check.awk" \
        "$tmp/public.names" "$all" "$2"
}

# ---- the reader on a fixture with a known answer -----------------------
cat >"$tmp/fixture.h" <<'EOF'
/* A header with the hard cases.  int not_a_decl(void); in a comment. */
#ifndef FIX_H
#define FIX_H

#include <stdio.h>
#define FIX_LIMIT 10            /* a comment; with a semicolon */
#define FIX_MAX(a, b) \
    ((a) > (b) ? (a) : (b))
// int also_not(void);

typedef enum
{
    FIX_A = 0,                  /* first, second */
    FIX_B = (1 << 2),
    FIX_C
}
fix_kind;

typedef struct
{
    int (*callback)(void *data, long n);    /* not a function */
    const char *name;
    struct { int x; } inner;
}
fix_struct;

typedef fix_struct fix_t[1];
typedef int (*fix_fn)(int);

void fix_init(fix_t f);
const char *fix_name(const fix_t f,
                     int which);
int fix_set(fix_t f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern int fix_global;
static inline int fix_inline(const fix_t f)
{
    if (f->name) { return 1; }
    return 0;
}
char *fix_str(const char *s /* "quoted; (paren" */, char c);
long fix_after(void);

#endif
EOF
cat >"$tmp/fixture.expect" <<'EOF'
enum FIX_A
enum FIX_B
enum FIX_C
func fix_after
func fix_init
func fix_inline
func fix_name
func fix_set
func fix_str
macro FIX_LIMIT
macro FIX_MAX
type fix_fn
type fix_kind
type fix_struct
type fix_t
var fix_global
EOF
decls "$tmp/fixture.h" >"$tmp/fixture.got"
if ! cmp -s "$tmp/fixture.expect" "$tmp/fixture.got"; then
    fail "the declaration reader misreads the fixture:"
    diff "$tmp/fixture.expect" "$tmp/fixture.got"
fi

# ---- the headers -------------------------------------------------------
headers=""
for h in "$srcdir"/include/cpwl/*.h "$srcdir"/include/cpwl/*.h.in \
         include/cpwl/*.h; do
    [ -f "$h" ] || continue
    module=$(basename "$h")
    module=${module%.in}
    module=${module%.h}
    case " $PRIVATE " in *" $module "*) continue ;; esac
    # a header generated from a .h.in is read once
    case " $headers " in *"/$module.h "* | *"/$module.h.in "*) continue ;; esac
    headers="$headers $h"
done
[ -n "$headers" ] || { echo "no public headers under $srcdir/include/cpwl"; exit 99; }

# Each header read once; every public name, for the renaming of
# prototypes; the names by header, for the comparison with ctags.
i=0
for h in $headers; do
    i=$((i + 1))
    awk -v PROTOS=1 -f "$tmp/decls.awk" "$h" >"$tmp/h$i.all"
    awk -v h="$h" '$1 != "proto" { print h, $2 }' "$tmp/h$i.all"
done | sort -u >"$tmp/reader.names"
awk '{ print $2 }' "$tmp/reader.names" | sort -u >"$tmp/public.names"

i=0
for h in $headers; do
    i=$((i + 1))
    module=$(basename "$h")
    module=${module%.in}
    module=${module%.h}
    check "$h" "$srcdir/docs/api/$module.md" "$tmp/h$i.all" >"$tmp/out" ||
        fail "$(cat "$tmp/out")"
done
nheaders=$i
nnames=$(wc -l <"$tmp/reader.names")
nprotos=$(cat "$tmp"/h*.all | grep -c '^proto ')

# ---- the reader against ctags --------------------------------------------
# Both list every header's names ("header name" lines), the include guard
# (the #define after a header's first #ifndef of the same name) left out.
if ctags --version 2>/dev/null | grep -q "Universal Ctags"; then
    # shellcheck disable=SC2086
    ctags -x --language-force=C --kinds-C=defptvx $headers 2>/dev/null |
        awk 'FILENAME != "-" && FNR == 1 { g = "" }
             FILENAME != "-" && g == "" && $1 ~ /^#[ \t]*ifndef$|^#ifndef$/ {
                 g = $2; guard[FILENAME] = g; next }
             FILENAME != "-" { next }
             $1 !~ /^__anon/ && $1 != guard[$4] { print $4, $1 }' \
            $headers - | sort -u >"$tmp/ctags.names"
    cmp -s "$tmp/reader.names" "$tmp/ctags.names" ||
        fail "the declaration reader and ctags disagree (< reader, > ctags):
$(diff "$tmp/reader.names" "$tmp/ctags.names" | grep '^[<>]')"
    echo "ctags: the reader agrees on $nheaders headers"
else
    echo "SKIP: no universal-ctags: the reader is checked on the fixture only"
fi

# ---- the check fails on an undocumented declaration of each kind --------
page="$srcdir/docs/api/err.md"
if [ -f "$page" ]; then
    for extra in "int err_undocumented_fn(void);" \
                 "typedef int err_undocumented_type;" \
                 "#define ERR_UNDOCUMENTED_MACRO 1" \
                 "typedef enum { ERR_UNDOCUMENTED_CONST } err_undocumented_e;" \
                 "static inline int err_undocumented_inline(void) { return 0; }"
    do
        { cat "$srcdir/include/cpwl/err.h"; echo "$extra"; } >"$tmp/err.h"
        if check "$tmp/err.h" "$page" >"$tmp/out"; then
            fail "an undocumented declaration passes: $extra"
        elif ! grep -q "undocumented\|UNDOCUMENTED" "$tmp/out"; then
            fail "the failure does not name the declaration: $extra"
        fi
    done
    # a function mentioned only in prose (no "name(") is not documented
    { cat "$srcdir/include/cpwl/err.h"; echo "int err_prose_only(void);"; } \
        >"$tmp/err.h"
    { cat "$page"; echo "cpwl_err_prose_only is mentioned."; } >"$tmp/err.md"
    check "$tmp/err.h" "$tmp/err.md" >"$tmp/out" &&
        fail "a function named without its prototype passes"
    # a prototype that differs from the header's (a renamed argument)
    sed 's/cpwl_err_quote(char \*buf,/cpwl_err_quote(char *out,/' "$page" \
        >"$tmp/err.md"
    cmp -s "$page" "$tmp/err.md" &&
        fail "no prototype of cpwl_err_quote to alter in $page"
    check "$srcdir/include/cpwl/err.h" "$tmp/err.md" >"$tmp/out" &&
        fail "a prototype that differs from the header's passes"
else
    fail "no $page to run the negative checks on"
fi

echo "$nnames names ($nprotos function prototypes) in $nheaders public headers checked"
[ $fails -eq 0 ] || { echo "$fails failures"; exit 1; }
exit 0
