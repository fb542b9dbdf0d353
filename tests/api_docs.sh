#!/bin/sh
# Every function, type, enumeration constant and macro declared in a public
# header include/cpwl/<module>.h is documented in docs/api/<module>.md under
# its installed name: cpwl_ + name (CPWL_ + NAME for upper-case names), or
# the name itself when it already has the prefix, so that the test holds
# both before and after the rename of the public API.  A function counts
# as documented when the page shows it called or declared ("name("), the
# other names when the page mentions them.
#
# The declarations are read by a small C-declaration-aware awk (comments,
# preprocessor lines, enum bodies, struct bodies, attributes, inline
# definitions).  The awk is checked on a fixture with a known answer, and,
# when universal-ctags is installed, against ctags on every header (two
# independent readers must agree).  The check itself is shown to fail on
# headers with one undocumented declaration of each kind.

srcdir=${srcdir:-$(dirname "$0")/..}
# Headers that are internal (installed or not, they get no page).
PRIVATE="lp qp forms num outfile"

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

decls() {
    awk -f "$tmp/decls.awk" "$1" | sort -u
}

# The name a declaration has once the public API is prefixed.
installed_name() {
    case $1 in
        cpwl_* | CPWL_*) echo "$1" ;;
        *[a-z]*) echo "cpwl_$1" ;;
        *) echo "CPWL_$1" ;;
    esac
}

# check HEADER PAGE: one line per undocumented name; status 1 if any.
check() {
    bad=0
    decls "$1" >"$tmp/check.list"
    if [ ! -s "$tmp/check.list" ]; then
        return 0
    fi
    if [ ! -f "$2" ]; then
        echo "missing page $2 for $1"
        return 1
    fi
    while read -r kind name; do
        full=$(installed_name "$name")
        if [ "$kind" = func ]; then
            grep -Eq "(^|[^A-Za-z0-9_])$full[[:space:]]*\(" "$2"
        else
            grep -Fqw -- "$full" "$2"
        fi || {
            echo "$2: $full ($kind, declared in $1) is not documented"
            bad=1
        }
    done <"$tmp/check.list"
    return $bad
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

nnames=0
nheaders=0
for h in $headers; do
    module=$(basename "$h")
    module=${module%.in}
    module=${module%.h}
    nheaders=$((nheaders + 1))
    nnames=$((nnames + $(decls "$h" | wc -l)))
    check "$h" "$srcdir/docs/api/$module.md" >"$tmp/out" ||
        fail "$(cat "$tmp/out")"
done

# ---- the reader against ctags --------------------------------------------
if ctags --version 2>/dev/null | grep -q "Universal Ctags"; then
    for h in $headers; do
        decls "$h" | sed 's/^[a-z]* //' | sort -u >"$tmp/awk.names"
        guard=$(sed -n 's/^[ \t]*#[ \t]*ifndef[ \t]*\([A-Za-z_0-9]*\).*/\1/p' \
                "$h" | head -n 1)
        ctags -x --language-force=C --kinds-C=defptvx "$h" 2>/dev/null |
            awk -v g="$guard" '$1 != g && $1 !~ /^__anon/ { print $1 }' |
            sort -u >"$tmp/ctags.names"
        cmp -s "$tmp/awk.names" "$tmp/ctags.names" ||
            fail "$h: the declaration reader and ctags disagree" \
                 "(< reader, > ctags):
$(diff "$tmp/awk.names" "$tmp/ctags.names" | grep '^[<>]')"
    done
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
else
    fail "no $page to run the negative checks on"
fi

echo "$nnames names in $nheaders public headers checked"
[ $fails -eq 0 ] || { echo "$fails failures"; exit 1; }
exit 0
