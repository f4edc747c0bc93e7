#!/usr/bin/env bash
# docs/errors.md keeps its promises (issue 6):
#  - every test named in the "Catalogue of bad inputs" table exists: each
#    `Suite.Name` after a `path/to/file.cc` in the table's last column is a
#    TEST(Suite, Name) or TEST_F(Suite, Name) in that file;
#  - every ErrorCode in common/base/error_code.h has its "### N — NAME"
#    entry under "The codes".
#
# usage: errors_catalogue_test.sh <docs/errors.md> <repo-root>
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <docs/errors.md> <repo-root>" >&2
  exit 2
fi
doc=$1
root=$2
header="$root/common/base/error_code.h"
names="$root/common/base/error_code.cc"
for f in "$doc" "$header" "$names"; do
  [[ -f $f ]] || { echo "FAIL: $f not found" >&2; exit 1; }
done

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# --- The catalogue table: the lines starting with "|" after the heading,
# up to the next "## " heading.
catalogue=$(awk '
  /^## Catalogue of bad inputs/ { inside = 1; next }
  inside && /^## / { exit }
  inside && /^\|/ { print }
' "$doc")
if [[ -z $catalogue ]]; then
  fail "$doc has no \"## Catalogue of bad inputs\" table"
fi

rows=0
checked=0
while IFS= read -r line; do
  # Skip the header and separator rows.
  [[ $line =~ ^\|[[:space:]]*-+ ]] && continue
  [[ $line =~ ^\|[[:space:]]*input[[:space:]]*\| ]] && continue
  rows=$((rows + 1))
  # The last column: after the last "|" but one.
  cell=$(awk -F'|' '{ print $(NF-1) }' <<<"$line")
  file=""
  found_any=0
  # Backticked tokens in order: a file, then the tests in it.
  while IFS= read -r token; do
    [[ -z $token ]] && continue
    if [[ $token == *.cc || $token == *.sh ]]; then
      file=$token
      if [[ ! -f $root/$file ]]; then
        fail "row $rows names $file, which does not exist"
      fi
      continue
    fi
    if [[ $token =~ ^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
      suite=${BASH_REMATCH[1]}
      name=${BASH_REMATCH[2]}
      found_any=1
      checked=$((checked + 1))
      if [[ -z $file ]]; then
        fail "row $rows: test $suite.$name comes before any file"
        continue
      fi
      [[ -f $root/$file ]] || continue
      # On one line, so that a TEST( split over two lines is still found.
      if ! tr '\n' ' ' <"$root/$file" |
          grep -Eq "(^|[^A-Za-z0-9_])TEST(_F)?\([[:space:]]*$suite,[[:space:]]*$name[[:space:]]*\)"; then
        fail "row $rows names $suite.$name, which is not a TEST or TEST_F in $file"
      fi
    fi
  done < <(grep -o '`[^`]*`' <<<"$cell" | tr -d '`')
  if [[ $found_any -eq 0 ]]; then
    fail "row $rows names no test: $line"
  fi
done <<<"$catalogue"
if [[ $rows -eq 0 ]]; then
  fail "the catalogue table has no rows"
fi

# --- Every code has its entry: "kName = N," in error_code.h, its name from
# ErrorCodeName (error_code.cc: case ErrorCode::kName: return "NAME";).
codes=0
while IFS=' ' read -r enumerator number; do
  codes=$((codes + 1))
  name=$(grep -Eo "ErrorCode::$enumerator:[[:space:]]*return \"[A-Z_]+\"" "$names" |
           sed -E 's/.*"([A-Z_]+)"/\1/' || true)
  if [[ -z $name ]]; then
    fail "ErrorCodeName has no name for $enumerator ($number)"
    continue
  fi
  if ! grep -Eq "^### $number — $name\$" "$doc"; then
    fail "no \"### $number — $name\" entry in $doc"
  fi
done < <(sed -nE 's/^[[:space:]]*(k[A-Za-z]+)[[:space:]]*=[[:space:]]*([0-9]+),.*/\1 \2/p' "$header")
if [[ $codes -eq 0 ]]; then
  fail "no codes read from $header"
fi

if [[ $failures -gt 0 ]]; then
  echo "$failures problem(s) in $doc" >&2
  exit 1
fi
echo "ok: $rows catalogue rows naming $checked tests, $codes error codes documented"
