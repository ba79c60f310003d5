#!/usr/bin/env bash
# Abort-criteria enforcement coverage over a spec corpus: per criterion the spec file, line,
# whether it is enforced and how (rule, scope, action) or why not, then enforced / all.
# Usage: benchmarks/abort-coverage.sh RIGOR_BINARY [SPECS_DIR]   (SPECS_DIR: ../shared/corpus/specs)
# A binary whose `spec check --json` has no `abort_enforcement` (before the derivation reported
# it) is measured by what it does: `rigor exec --spec-abort` in a scratch workspace, whose notes
# name each criterion it did not enforce; the others became live rules.
set -euo pipefail
bin=$(realpath "${1:?usage: $0 RIGOR_BINARY [SPECS_DIR]}")
specs=${2:-../shared/corpus/specs}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

for spec in "$specs"/*.md; do
    "$bin" spec check --json "$spec" >"$scratch/spec.json" || true
    if jq -e 'has("abort_enforcement")' "$scratch/spec.json" >/dev/null; then
        jq -r --arg f "$(basename "$spec")" '.abort_enforcement[] | [$f, .line, (if .enforced then "yes" else "no" end),
            (if .enforced then (.rules | map((if .rule == "" then "out of memory" else .rule end) + " (" + .scope + ", " + .action + ")") | join("; "))
             else .reason end)] | @tsv' "$scratch/spec.json"
        continue
    fi
    [ "$(jq '.abortCriteria | length' "$scratch/spec.json")" -gt 0 ] || continue
    id=$(jq -r .experimentID "$scratch/spec.json")
    ws="$scratch/ws-$id"
    mkdir -p "$ws/experiments" "$ws/results/$id"
    cp "$spec" "$ws/experiments/$id.md"
    (cd "$ws" && git init -q . && "$bin" exec --experiment "results/$id" --spec "experiments/$id.md" --spec-abort -- true) \
        >/dev/null 2>"$scratch/notes" || true
    jq -r '.abortCriteria[] | [.line, .text] | @tsv' "$scratch/spec.json" | while IFS=$'\t' read -r line _; do
        reason=$(sed -n "s/^rigor: note: spec abort criterion not enforced (line $line): //p" "$scratch/notes")
        if [ -n "$reason" ]; then
            printf '%s\t%s\tno\t%s\n' "$(basename "$spec")" "$line" "$reason"
        else
            printf '%s\t%s\tyes\t%s\n' "$(basename "$spec")" "$line" "live rule via rigor exec --spec-abort (this binary does not print the rule)"
        fi
    done
done | tee "$scratch/table" | column -t -s $'\t'
echo
awk -F'\t' '{ all++; if ($3 == "yes") yes++ } END { printf "enforced %d / %d criteria\n", yes, all }' "$scratch/table"
