#!/usr/bin/env bash
# cli_docs_test.sh CERTSHARE_BINARY DOCS_CLI_MD [AGENT_CLI_SOURCE_DIR]
#
# Checks that docs/cli.md documents the command line the program really has:
#   1. every subcommand listed by `certshare --help`, and recursively every
#      nested one (`new incident`, `registry import`, ...), has a Markdown
#      heading containing `certshare <path>` (the path not followed by a
#      further word, so `certshare new` and `certshare new incident` are
#      distinct headings);
#   2. every long option (`--something`) that a subcommand's --help lists
#      (except --help itself) is mentioned in that subcommand's section: from
#      its heading to the next heading of the same or a higher level;
#   3. with AGENT_CLI_SOURCE_DIR: every exit code `kExit... = N` defined in
#      its *.h/*.cc appears as a row `| N |` of the table in the section
#      whose heading contains "Exit codes", and that table has no row for a
#      code the source does not define.
# Prints every problem found and exits 1 if there is any; 0 otherwise.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 CERTSHARE_BINARY DOCS_CLI_MD [AGENT_CLI_SOURCE_DIR]" >&2
  exit 2
fi
bin=$1
doc=$2
src=${3:-}

[[ -x "$bin" ]] || { echo "FAIL: $bin is not an executable" >&2; exit 1; }
[[ -r "$doc" ]] || { echo "FAIL: cannot read $doc" >&2; exit 1; }
if [[ -n "$src" && ! -d "$src" ]]; then
  echo "FAIL: $src is not a directory" >&2
  exit 1
fi

problems=0
problem() {
  echo "MISSING: $*"
  problems=$((problems + 1))
}

# help WORDS...: the --help text of `certshare WORDS...`.
help_of() {
  local out
  if ! out=$("$bin" "$@" --help 2>&1); then
    echo "FAIL: '$bin $* --help' did not exit 0" >&2
    exit 1
  fi
  printf '%s\n' "$out"
}

# The names in the "Subcommands:" block of a help text (two-space indent,
# then the name; the block ends at an empty line).
subcommands_in() {
  awk '
    /^Subcommands:/ { inside = 1; next }
    inside && /^[[:space:]]*$/ { inside = 0; next }
    inside && /^  [A-Za-z0-9][A-Za-z0-9_-]*/ { sub(/^  /, ""); split($0, w, /[[:space:]]+/); print w[1] }
  '
}

# The long options of a help text: the option column only (exactly two
# spaces of indent, optionally "-x," before the long name), so options named
# inside descriptions ("Excludes: --exec", "with --output-dir") do not count.
options_in() {
  grep -oE '^  (-[A-Za-z0-9],)?--[A-Za-z0-9][A-Za-z0-9-]*' | sed -E 's/^  (-[A-Za-z0-9],)?//' |
    grep -vx -- '--help' | sort -u || true
}

# section PATH: the lines of the doc's section for `certshare PATH`, from the
# first heading naming it to the next heading of the same or a higher level.
# Empty if there is no such heading.
section() {
  local path=$1
  awk -v want="certshare $path" '
    function level(line) { match(line, /^#+/); return RLENGTH }
    /^#+[[:space:]]/ {
      if (found && level($0) <= found_level) exit
      if (!found) {
        i = index($0, want)
        if (i > 0) {
          rest = substr($0, i + length(want))
          # Not a longer command: "certshare new" must not match
          # "certshare new incident", nor "certshare get" "certshare gets".
          if (rest !~ /^[A-Za-z0-9_-]/ && rest !~ /^ [a-z]/) {
            found = 1; found_level = level($0); print; next
          }
        }
      }
    }
    found { print }
  ' "$doc"
}

# Walk the command tree breadth first.
queue=()
while IFS= read -r sub; do queue+=("$sub"); done < <(help_of | subcommands_in)
if [[ ${#queue[@]} -eq 0 ]]; then
  echo "FAIL: no subcommands found in '$bin --help'" >&2
  exit 1
fi

commands=0
options=0
while [[ ${#queue[@]} -gt 0 ]]; do
  path=${queue[0]}
  queue=("${queue[@]:1}")
  commands=$((commands + 1))
  read -r -a words <<< "$path"
  text=$(help_of "${words[@]}")
  while IFS= read -r nested; do
    [[ -n "$nested" ]] && queue+=("$path $nested")
  done < <(printf '%s\n' "$text" | subcommands_in)

  body=$(section "$path")
  if [[ -z "$body" ]]; then
    problem "subcommand 'certshare $path': no heading containing 'certshare $path' in $doc"
    continue
  fi
  while IFS= read -r opt; do
    [[ -z "$opt" ]] && continue
    options=$((options + 1))
    # The option as a whole word: --spool must not be satisfied by
    # --spool-max-mb, nor --from by --from-beginning.
    # (A here-string, not a pipe: grep -q stops reading at the first match,
    # and with pipefail the writer's SIGPIPE would count as "not found".)
    if ! grep -qE -- "${opt}([^A-Za-z0-9-]|\$)" <<< "$body"; then
      problem "option $opt of 'certshare $path' is not mentioned in its section of $doc"
    fi
  done < <(printf '%s\n' "$text" | options_in)
done

codes=0
if [[ -n "$src" ]]; then
  # "inline constexpr int kExitUsage = 2;" -> "kExitUsage 2"
  defined=$(cat "$src"/*.h "$src"/*.cc 2>/dev/null |
    grep -oE '\bkExit[A-Za-z0-9_]*[[:space:]]*=[[:space:]]*[0-9]+' |
    sed -E 's/[[:space:]]*=[[:space:]]*/ /' | sort -u || true)
  if [[ -z "$defined" ]]; then
    echo "FAIL: no kExit... = N constants found in $src" >&2
    exit 1
  fi
  # The table rows of the "Exit codes" section: the first cell's number
  # (the backquotes in the sed expression are literal Markdown).
  # shellcheck disable=SC2016
  table=$(awk '
    /^#+[[:space:]]/ {
      if (found) exit
      if (tolower($0) ~ /exit codes/) { found = 1; next }
    }
    found && /^\|/ { print }
  ' "$doc" | sed -nE 's/^\|[[:space:]]*`?([0-9]+)`?[[:space:]]*\|.*/\1/p' | sort -un)
  if [[ -z "$table" ]]; then
    problem "no exit-code table (a section whose heading contains 'Exit codes', rows '| N | ...') in $doc"
  fi
  while read -r name number; do
    codes=$((codes + 1))
    if ! grep -qx -- "$number" <<< "$table"; then
      problem "exit code $number ($name) is not in the exit-code table of $doc"
    fi
  done <<< "$defined"
  while read -r number; do
    [[ -z "$number" ]] && continue
    if ! awk '{print $2}' <<< "$defined" | grep -qx -- "$number"; then
      problem "the exit-code table of $doc lists $number, which agent/cli does not define"
    fi
  done <<< "$table"
fi

if [[ $problems -gt 0 ]]; then
  echo "FAIL: $problems problem(s) in $doc ($commands subcommands, $options options, $codes exit codes checked)"
  exit 1
fi
echo "ok: $doc documents $commands subcommands, $options options and $codes exit codes"
