#!/usr/bin/env bash
# ctest records_docs: every rule id the validator can report is documented.
# Reads the ids from the sources of schemas/ (the string constants inside
# `namespace rule { ... }`, schemas/rules.h today) and checks that
# docs/records.md has a row for each in its rule table:
#   | `rule-id` | what it checks |
# A bare word is not enough (ids such as `json`, `type` or `range` appear in
# any prose), so the id must start a table row, in backquotes, followed by an
# explanation. Fails listing every id that is missing.
# usage: records_docs_test.sh <schemas-source-dir> <docs/records.md>
set -euo pipefail
schemas="$1"
doc="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail

[ -d "$schemas" ] || fail "no schemas source directory: $schemas"
[ -f "$doc" ] || fail "no records document: $doc"
shopt -s nullglob
sources=("$schemas"/*.h "$schemas"/*.cc)
shopt -u nullglob
[ "${#sources[@]}" -gt 0 ] || fail "no .h or .cc files in $schemas"

# The text of every `namespace rule { ... }` block (sed -s: each file on its
# own, so an unclosed block ends with its file), on one line so that a
# declaration split over two lines is still one match; then each
# `kName = "id"` in it.
ids="$(sed -s -n '/namespace rule[[:space:]]*{/,/^}[[:space:]]*\/\/[[:space:]]*namespace rule/p' \
         "${sources[@]}" |
       tr '\n' ' ' |
       { grep -oE '\bk[A-Za-z0-9_]+(\[\])?[[:space:]]*=[[:space:]]*"[^"]*"' || true; } |
       sed -E 's/.*"([^"]*)"$/\1/' | sort -u)"
[ -n "$ids" ] || fail "found no rule ids in $schemas (namespace rule { ... } with kName = \"id\")"

count=0
missing=()
while IFS= read -r id; do
  count=$((count + 1))
  [[ "$id" =~ ^[a-z0-9]+(-[a-z0-9]+)*$ ]] || fail "odd rule id \"$id\" in $schemas"
  # A table row: "| `id` |" then an explanation that is not empty.
  if ! awk -v want="| \`$id\` |" '
      index($0, want) == 1 && length($0) > length(want) + 1 { found = 1 }
      END { exit found ? 0 : 1 }' "$doc"; then
    missing+=("$id")
  fi
done <<<"$ids"

if [ "${#missing[@]}" -gt 0 ]; then
  echo "FAIL: ${#missing[@]} of $count rule ids of $schemas have no row in $doc:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "Add a row \"| \`<id>\` | <what it checks> |\" to the rule table (\"Problems and rule ids\")." >&2
  exit 1
fi
echo "PASS: all $count rule ids are documented in $doc"
