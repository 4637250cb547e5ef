#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry match output forms (issue 17): text columns at a fixed width, CSV
# (RFC 4180) and ECS alert documents against golden files over the corpus;
# every ECS document's fields against their ECS types; --fields lists; the
# escaping of control characters. GOLDEN_UPDATE=1 rewrites the golden files.
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
GOLDEN=tests/golden/output
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
golden() { # golden NAME FILE
    if [ -n "${GOLDEN_UPDATE:-}" ]; then cp "$2" "$GOLDEN/$1"; fi
    cmp -s "$2" "$GOLDEN/$1"
    rc=$?
    [ $rc -eq 0 ] || diff -u "$GOLDEN/$1" "$2" | head -20
    check "golden $1" $rc
}
unset COLUMNS NO_COLOR

"$GANTRY" compile -o "$T/rules.gpk" rules >/dev/null 2>&1
check "compile the shipped rules" $?
IN="corpus/formats corpus/t1610/anonymous_k8s_write_request.pos.jsonl"

# ---- text ----
# shellcheck disable=SC2086
"$GANTRY" match -p "$T/rules.gpk" --format text --width 120 -q $IN >"$T/text.txt"
check "text exits 0" $?
golden match-text-w120.txt "$T/text.txt"
# Every line fits the width (in characters, the ellipsis is one).
python3 -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 120 for l in open(sys.argv[1], encoding="utf-8")))' "$T/text.txt"
check "text lines fit --width 120" $?
# COLUMNS gives the width as --width does.
# shellcheck disable=SC2086
COLUMNS=120 "$GANTRY" match -p "$T/rules.gpk" --format text -q $IN | cmp -s - "$T/text.txt"
check "COLUMNS sets the width" $?
# The level column holds every level, informational included: the title
# starts at the same column on every line.
[ "$(cut -c36 "$T/text.txt" | sort -u | tr -d '\n')" != " " ] &&
    [ "$(cut -c35 "$T/text.txt" | sort -u)" = " " ] && grep -q "^[^ ]* informational " "$T/text.txt"
check "every level fits its column" $?

# ---- CSV ----
# shellcheck disable=SC2086
"$GANTRY" match -p "$T/rules.gpk" --format csv -q $IN >"$T/out.csv"
golden match.csv "$T/out.csv"
python3 - "$T/out.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows[0][:4] == ["@timestamp", "level", "rule.title", "rule.id"], rows[0]
assert all(len(r) == len(rows[0]) for r in rows), "ragged rows"
assert len(rows) > 5
PY
check "CSV parses with a header row and equal columns" $?

# A value with a comma, a quote and a newline is quoted per RFC 4180.
printf '%s\n' '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","user":{"username":"a,b \"c\"\nd\u001b[31m"},"objectRef":{"resource":"pods","namespace":"n"}}' >"$T/odd.jsonl"
cat >"$T/odd.gantry" <<'R'
rule any_delete {
    title: "Delete"
    level: informational
    selection sel: { verb: "delete" }
    condition: sel
}
R
"$GANTRY" match -r "$T/odd.gantry" --format csv --fields user.name -q "$T/odd.jsonl" >"$T/odd.csv"
python3 - "$T/odd.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows[0] == ["@timestamp", "level", "rule.title", "rule.id", "user.name", "file", "line"], rows[0]
assert rows[1][4] == 'a,b "c"\nd\x1b[31m', repr(rows[1][4])
PY
check "CSV quotes commas, quotes and newlines" $?

# ---- text escaping and rule ids ----
"$GANTRY" match -r "$T/odd.gantry" --format text --no-color -q "$T/odd.jsonl" >"$T/odd.txt"
! grep -q "$(printf '\033')" "$T/odd.txt" && grep -q 'user=a,b "c"\\nd\\x1b\[31m' "$T/odd.txt"
check "control characters are escaped in text" $?
"$GANTRY" match -r "$T/odd.gantry" --format jsonl -q "$T/odd.jsonl" | jq -e '.rule.id == null' >/dev/null
check "a rule without an id has a null id" $?

# ---- ECS ----
# shellcheck disable=SC2086
"$GANTRY" match -p "$T/rules.gpk" --format ecs -q $IN >"$T/ecs.jsonl"
golden match-ecs.jsonl "$T/ecs.jsonl"
# The ECS types of every field emitted (ECS 8.11 reference); gantry.* are
# Gantry's own (docs/output.md). A field not in the table fails.
jq -n -e --slurpfile docs "$T/ecs.jsonl" '
  {
    "@timestamp": "date", "ecs.version": "keyword",
    "event.kind": "keyword", "event.severity": "long", "event.module": "keyword",
    "event.action": "keyword", "event.outcome": "keyword", "event.id": "keyword",
    "event.original": "keyword", "log.level": "keyword", "log.file.path": "keyword",
    "message": "match_only_text", "error.message": "match_only_text",
    "host.name": "keyword", "user.name": "keyword", "user.id": "keyword",
    "user.group.name": "keyword", "source.ip": "ip", "user_agent.original": "keyword",
    "url.original": "wildcard", "http.request.method": "keyword", "http.version": "keyword",
    "http.response.status_code": "long", "orchestrator.namespace": "keyword",
    "orchestrator.resource.type": "keyword", "orchestrator.resource.name": "keyword",
    "orchestrator.cluster.name": "keyword", "container.id": "keyword",
    "container.name": "keyword", "container.image.name": "keyword",
    "container.image.tag": "keyword", "process.executable": "keyword",
    "process.args": "keyword", "process.command_line": "wildcard", "process.name": "keyword",
    "rule.id": "keyword", "rule.uuid": "keyword", "rule.name": "keyword",
    "rule.description": "keyword", "rule.ruleset": "keyword", "rule.author": "keyword",
    "rule.reference": "keyword", "threat.framework": "keyword",
    "threat.technique.id": "keyword", "threat.technique.name": "keyword",
    "threat.technique.subtechnique.id": "keyword", "threat.technique.subtechnique.name": "keyword",
    "threat.tactic.id": "keyword", "threat.tactic.name": "keyword",
    "gantry.level": "keyword", "gantry.line": "long"
  } as $types
  | def ok($t): if $t == "long" then type == "number" and . == floor
      elif $t == "date" then type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")
      elif $t == "ip" then type == "string" and test("^[0-9a-fA-F.:]+$")
      else type == "string" end;
  [ $docs[] | paths(scalars) as $p | getpath($p) as $v
    | ($p | map(select(type == "string")) | join(".")) as $name
    | (if ($name | startswith("gantry.fields.")) then "keyword" else $types[$name] end) as $t
    | select($t == null or ($v | ok($t) | not)) | "\($name)=\($v)" ]
  | if length == 0 then true else (.[:5] | join("\n") | halt_error) end' >/dev/null
check "every ECS field has its ECS type" $?
jq -e -s 'length > 5 and all(.[]; .event.kind == "alert") and ([.[] | select(.["@timestamp"] == null)] | length) < length / 4' "$T/ecs.jsonl" >/dev/null
check "ECS documents are alerts, with @timestamp when the event has a time" $?
jq -e -s 'any(.[]; .threat.framework == "MITRE ATT&CK" and any(.threat.technique[]; .id == "T1610" and .name == "Deploy Container"))' "$T/ecs.jsonl" >/dev/null
check "ECS threat from ATT&CK tags" $?

# ---- --fields ----
"$GANTRY" match -p "$T/rules.gpk" --format jsonl --fields user.name,@timestamp,raw:objectRef.namespace -q \
    corpus/t1610/anonymous_k8s_write_request.pos.jsonl >"$T/fields.jsonl"
jq -e -s '.[0].event | keys == ["@timestamp", "raw:objectRef.namespace", "user.name"] and .["user.name"] == "system:anonymous"' "$T/fields.jsonl" >/dev/null
check "--fields picks schema fields and raw paths" $?
"$GANTRY" match -p "$T/rules.gpk" --fields user.nme /nonexistent >/dev/null 2>"$T/err.txt"
[ $? -eq 2 ] && grep -q "did you mean 'user.name'" "$T/err.txt" && ! grep -q nonexistent "$T/err.txt"
check "unknown --fields field: did you mean, exit 2, before input" $?
"$GANTRY" match -p "$T/rules.gpk" --fields raw:a..b /nonexistent >/dev/null 2>&1
[ $? -eq 2 ]
check "a malformed raw path is refused" $?
"$GANTRY" match -p "$T/rules.gpk" --format xml /nonexistent >/dev/null 2>&1
[ $? -eq 2 ]
check "an unknown --format is refused" $?

echo "output_forms.sh: $fails failed"
[ "$fails" -eq 0 ]
