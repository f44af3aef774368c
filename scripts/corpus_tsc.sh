#!/usr/bin/env bash
# Type-check guardfix's safe fixes on prepared corpus copies.
#
#   COPIES=DIR bash scripts/corpus_tsc.sh [REPO_DIR_NAME ...]
#       (default: every line of tests/corpus/tsc-projects.tsv)
#
# For each prepared copy DIR/<owner>+<name>/ (a git repo whose HEAD is the pinned
# corpus tree, dependencies installed with the repository's own package manager and
# --ignore-scripts, ORM clients generated; node_modules and generated code ignored by
# git so that resets keep them):
#   reset -> tsc before -> guardfix --all --apply . -> tsc after -> reset
# and print one TSV line: repo, errors_before, errors_after, files_changed,
# new_errors, secs; then one `new<TAB>repo<TAB>error line` per new error.
#
# New errors = multiset difference of (project, file, TS code, message) between
# after and before, ignoring line:col (fixes insert lines, which would otherwise
# shift every pre-existing error below them); the after line is printed with its
# file(line,col).
#
# Env:
#   COPIES        the folder of prepared copies (required)
#   GUARDFIX_PY   python that has guardfix importable (default: python3)
#   GUARDFIX_SRC  a guardfix checkout to run (puts it and its codemods/ first on PYTHONPATH)
#   PYTHONPATH    passed through (must then also name <checkout>/codemods)
#   OUT           where logs and diffs go (default: $COPIES/out)
#   TSC_TIMEOUT   seconds per tsc run (default 1500)
#   KEEP=1        leave the fixed tree in place (no final reset)
#
# tsc-projects.tsv: <dir name><TAB><tsconfig paths relative to the repo root, comma-separated>
set -u
LIST="$(cd "$(dirname "$0")/.." && pwd)/tests/corpus/tsc-projects.tsv"
HERE="${COPIES:?set COPIES to the folder of prepared copies}"
GUARDFIX_PY="${GUARDFIX_PY:-python3}"
OUT="${OUT:-$HERE/out}"
TSC_TIMEOUT="${TSC_TIMEOUT:-1500}"
export PYTHONPATH="${PYTHONPATH:-}"
# GUARDFIX_SRC=/path/to/checkout: run that checkout's guardfix AND its codemods package
# (guardfix imports guardfix_codemods, which the venv has installed editable from
# another checkout's codemods; a bare PYTHONPATH=<checkout> would mix the two versions).
if [ -n "${GUARDFIX_SRC:-}" ]; then export PYTHONPATH="$GUARDFIX_SRC:$GUARDFIX_SRC/codemods${PYTHONPATH:+:$PYTHONPATH}"; fi
export NODE_OPTIONS="${NODE_OPTIONS:---max-old-space-size=8192}"
export CHECKPOINT_DISABLE=1 NEXT_TELEMETRY_DISABLED=1
mkdir -p "$OUT"

reset_copy() {
  # ignored files (node_modules, generated prisma client / zod / kysely types) survive:
  # git clean without -x never touches ignored paths.
  git checkout -q -- . && git clean -qfd -e node_modules -e '*.tsbuildinfo'
}

find_tsc() {  # $1 = project dir, $2 = repo root
  local d="$1"
  while :; do
    [ -x "$d/node_modules/.bin/tsc" ] && { echo "$d/node_modules/.bin/tsc"; return 0; }
    [ "$d" = "$2" ] && break
    d="$(dirname "$d")"
  done
  return 1
}

# run every project's tsc; write "<projdir>/<tsc line>" error lines (only `error TS` lines) to $2
run_tsc() {  # $1 = repo root, $2 = out file, $3 = projects (comma list)
  local root="$1" out="$2" projs="$3" p pdir tsc rc status=ok
  : > "$out"
  IFS=',' read -ra arr <<< "$projs"
  for p in "${arr[@]}"; do
    pdir="$(dirname "$root/$p")"; pdir="$(cd "$pdir" && pwd)"
    rel="${pdir#$root}"; rel="${rel#/}"; [ -z "$rel" ] && rel="."
    if ! tsc="$(find_tsc "$pdir" "$root")"; then status=no-tsc; continue; fi
    (cd "$pdir" && timeout "$TSC_TIMEOUT" "$tsc" --noEmit -p "$(basename "$p")" > "$out.$(echo "$rel" | tr / _).raw" 2>&1)
    rc=$?
    if [ $rc -eq 124 ]; then status=timeout; fi
    if [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 2 ] && [ $rc -ne 124 ]; then status="tsc-rc$rc"; fi
    grep 'error TS' "$out.$(echo "$rel" | tr / _).raw" | sed "s|^|$rel/|" >> "$out"
  done
  echo "$status"
}

new_errors() {  # $1 before, $2 after -> prints after lines not in before (ignoring line:col)
  python3 - "$1" "$2" <<'EOF'
import re, sys
from collections import Counter
pat = re.compile(r'^(.*?)\((\d+),(\d+)\): (error TS\d+: .*)$')
def key(line):
    m = pat.match(line)
    return (m.group(1), m.group(4)) if m else ("", line)
before = Counter(key(l.rstrip("\n")) for l in open(sys.argv[1]) if l.strip())
for l in open(sys.argv[2]):
    l = l.rstrip("\n")
    if not l.strip():
        continue
    k = key(l)
    if before[k] > 0:
        before[k] -= 1
    else:
        print(l)
EOF
}

if [ $# -gt 0 ]; then repos=("$@"); else mapfile -t repos < <(grep -v '^#' "$LIST" | cut -f1 | grep .); fi

echo "# guardfix: $("$GUARDFIX_PY" -c 'import guardfix,guardfix_codemods as c,os;print(os.path.dirname(guardfix.__file__), os.path.dirname(c.__file__))' 2>&1) PYTHONPATH=$PYTHONPATH" >&2
printf 'repo\terrors_before\terrors_after\tfiles_changed\tnew_errors\tsecs\tnote\n'
for r in "${repos[@]}"; do
  root="$HERE/$r"
  projs="$(awk -F'\t' -v r="$r" '$1==r{print $2}' "$LIST")"; projs="${projs:-tsconfig.json}"
  o="$OUT/$r"; rm -rf "$o"; mkdir -p "$o"
  start=$(date +%s)
  cd "$root" || { printf '%s\t-\t-\t-\t-\t0\tmissing\n' "$r"; continue; }
  reset_copy
  sb="$(run_tsc "$root" "$o/tsc-before.txt" "$projs")"
  (cd "$root" && "$GUARDFIX_PY" -m guardfix --all --apply . > "$o/guardfix.log" 2>&1); gfrc=$?
  git add -A -N . 2>/dev/null
  git diff > "$o/fix.diff"
  changed=$(git diff --name-only | grep -vc '\.tsbuildinfo$')
  git reset -q
  sa="$(run_tsc "$root" "$o/tsc-after.txt" "$projs")"
  new_errors "$o/tsc-before.txt" "$o/tsc-after.txt" > "$o/new-errors.txt"
  nb=$(wc -l < "$o/tsc-before.txt"); na=$(wc -l < "$o/tsc-after.txt"); nn=$(wc -l < "$o/new-errors.txt")
  note="guardfix-rc$gfrc"; grep -q '^Traceback\|internal error' "$o/guardfix.log" && note="GUARDFIX-CRASHED(rc$gfrc, see $o/guardfix.log)"; [ "$sb" != ok ] && note="$note before:$sb"; [ "$sa" != ok ] && note="$note after:$sa"
  [ "${KEEP:-0}" = 1 ] || reset_copy
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$nb" "$na" "$changed" "$nn" "$(( $(date +%s) - start ))" "$note"
  sed "s|^|new\t$r\t|" "$o/new-errors.txt"
done
