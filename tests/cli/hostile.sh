#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Hostile events and hostile rule sources against the real CLI. Every case
# has a defined outcome (matched, or refused as malformed with a reason),
# the statistics add up (lines = events + blank + malformed + joined) and the
# peak memory (max_rss_kb of --stats) stays under a stated bound. Inputs are
# generated on the fly into a temp dir. Bounds: RSS_BOUND_KB (default 256 MB;
# 1 GB in the ASan build, whose shadow memory and quarantine cost more).
set -u
BUILD=${BUILD:-build}
SAN=${SAN:-0}
GANTRY="$BUILD/gantry"
command -v jq >/dev/null || { echo "SKIP: jq is not installed (make deps installs it)"; exit 77; }
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
if [ "$SAN" = 1 ] || case "$BUILD" in *asan*) true ;; *) false ;; esac; then
    RSS_BOUND_KB=${RSS_BOUND_KB:-1048576}
    SLOW=1
else
    RSS_BOUND_KB=${RSS_BOUND_KB:-262144}
    SLOW=0
fi
fails=0
check() { # check NAME STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
stat_of() { # stat_of FILE KEY -> the number
    sed -n "s/^[[:space:]]*\"$2\":[[:space:]]*\([0-9.e+-]*\).*/\1/p" "$1" | head -n 1
}
# accounts NAME STATS LINES EVENTS BLANK MALFORMED: exact counts (- skips one),
# lines = events + blank + malformed + joined, and max_rss_kb under the bound.
accounts() {
    s=$2
    if [ ! -s "$s" ]; then check "$1: stats written" 1; return; fi
    l=$(stat_of "$s" lines); e=$(stat_of "$s" events); b=$(stat_of "$s" blank)
    m=$(stat_of "$s" malformed); j=$(stat_of "$s" joined); rss=$(stat_of "$s" max_rss_kb)
    ok=0
    [ "$l" -eq $((e + b + m + j)) ] || ok=1
    [ "$3" = - ] || [ "$l" -eq "$3" ] || ok=1
    [ "$4" = - ] || [ "$e" -eq "$4" ] || ok=1
    [ "$5" = - ] || [ "$b" -eq "$5" ] || ok=1
    [ "$6" = - ] || [ "$m" -eq "$6" ] || ok=1
    [ "${rss%.*}" -le "$RSS_BOUND_KB" ] || ok=1
    [ $ok -eq 0 ] || echo "     lines=$l events=$e blank=$b malformed=$m joined=$j max_rss_kb=$rss (bound $RSS_BOUND_KB)"
    check "$1: accounting and memory" $ok
}
# run NAME INPUT [match options...]: exit status must be 0 (no crash, no
# sanitizer report; sanitizers exit non-zero).
run() {
    name=$1; input=$2; shift 2
    "$GANTRY" match -p "$T/shipped.gpk" --format jsonl --stats "$T/$name.stats" "$@" "$input" \
        >"$T/$name.out" 2>"$T/$name.err"
    rc=$?
    [ $rc -eq 0 ] || { echo "     exit $rc:"; tail -n 5 "$T/$name.err"; }
    check "$name: exit status 0" $rc
}
has() { grep -q "$2" "$1"; }
# run_unreadable NAME INPUT [options...]: a file with lines but not one
# readable event is an error (exit 2, saying so), its lines still counted.
run_unreadable() {
    name=$1; input=$2; shift 2
    "$GANTRY" match -p "$T/shipped.gpk" --format jsonl --stats "$T/$name.stats" "$@" "$input" \
        >"$T/$name.out" 2>"$T/$name.err"
    rc=$?
    [ $rc -eq 2 ] && has "$T/$name.err" "no event could be read"
    check "$name: nothing readable: exit status 2 with the reason" $?
}

"$GANTRY" compile -o "$T/shipped.gpk" rules/doki rules/kinsing rules/t1610 >/dev/null
check "shipped rules compile" $?

# A Falco alert that the shipped cryptominer rule matches (by process name);
# the hostile cases put their payload into its command line.
FALCO=$(sed 's|"proc.cmdline":"[^"]*"|"proc.cmdline":"CMDLINE"|' corpus/kinsing/cryptominer_process.pos.jsonl | head -n 1)
falco_with() { # falco_with CMDLINE-TEXT (already JSON-escaped)
    printf '%s\n' "$FALCO" | sed "s|CMDLINE|$1|"
}
falco_with 'xmrig -o pool.example.org:3333' >"$T/plain.jsonl"
run plain "$T/plain.jsonl"
has "$T/plain.out" cryptominer
check "plain: the template event matches" $?

# 100 MB on one line, then a normal event: the long line is refused (skipped
# to its end, never buffered past --max-line-bytes) and the next one matches.
{ head -c 100000000 /dev/zero | tr '\0' 'a'; echo; cat "$T/plain.jsonl"; } >"$T/long.jsonl"
run long_line "$T/long.jsonl"
accounts long_line "$T/long_line.stats" 2 1 0 1
has "$T/long_line.err" "longer than --max-line-bytes" && has "$T/long_line.out" cryptominer
check "long_line: refused with a reason, next line matched" $?
run_unreadable long_line_small_limit "$T/plain.jsonl" --max-line-bytes 64
accounts long_line_small_limit "$T/long_line_small_limit.stats" 1 0 0 1

# JSON nested 100,000 deep: refused before parsing.
awk 'BEGIN{for(i=0;i<100000;i++) printf "{\"a\":"; printf "1"; for(i=0;i<100000;i++) printf "}"; printf "\n"}' >"$T/deep.jsonl"
awk 'BEGIN{for(i=0;i<100000;i++) printf "["; printf "\n"}' >>"$T/deep.jsonl"
run_unreadable deep "$T/deep.jsonl"
accounts deep "$T/deep.stats" 2 0 0 2
has "$T/deep.err" "nested deeper than the depth limit"
check "deep: reason given" $?

# --max-depth lowers the limit: refused with its own reason.
printf '{"a":[[[1]]]}\n{"a":[1]}\n' >"$T/depth3.jsonl"
run max_depth "$T/depth3.jsonl" --max-depth 2
accounts max_depth "$T/max_depth.stats" 2 1 0 1
has "$T/max_depth.err" "deeper than --max-depth"
check "max_depth: reason given" $?

# A million-element array beside the matching command line.
{ printf '%s\n' "$FALCO" | sed 's|CMDLINE|xmrig|; s|}}$||' | tr -d '\n'
  awk 'BEGIN{printf "},\"big\":["; for(i=0;i<1000000;i++) printf (i?",%d":"%d"), i; printf "]}\n"}'; } >"$T/array.jsonl"
run array "$T/array.jsonl"
accounts array "$T/array.stats" 1 1 0 0
has "$T/array.out" cryptominer
check "array: matched" $?

# A 10 MB string value (under the 16 MB line limit): parsed and matched.
{ printf '%s\n' "$FALCO" | sed 's|CMDLINE.*||' | tr -d '\n'
  head -c 10000000 /dev/zero | tr '\0' 'b'
  printf '%s\n' "$FALCO" | sed 's|.*CMDLINE||'; } >"$T/bigstr.jsonl"
run bigstr "$T/bigstr.jsonl"
accounts bigstr "$T/bigstr.stats" 1 1 0 0
has "$T/bigstr.out" cryptominer
check "bigstr: matched" $?

# A wide event: 200,000 top-level keys beside a pod with 100,000 env
# entries. Each schema value pushed used to re-walk every key and count
# its array (minutes of CPU); it must now finish quickly.
awk 'BEGIN{printf "{"; for(i=0;i<200000;i++) printf "\"k%d\":1,", i;
    printf "\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"d\"},\"requestObject\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\",\"env\":[";
    for(i=0;i<100000;i++) printf (i?",{\"name\":\"E%d\"}":"{\"name\":\"E%d\"}"), i; printf "]}]}}}\n"}' >"$T/wide.jsonl"
timeout 20 "$GANTRY" normalize "$T/wide.jsonl" >"$T/wide.out" 2>"$T/wide.err"
check "wide event: normalized within 20 s" $?
# The normalized field itself (not the raw requestObject, which holds all
# 100,000): exactly the first GANTRY_MAX_VALUES_PER_FIELD names, in order.
n=$(jq -r '.["container.env.name"] | "\(length) \(.[0]) \(.[-1])"' "$T/wide.out" 2>/dev/null)
[ "$n" = "65536 E0 E65535" ]
check "wide event: container.env.name kept up to the per-field limit ($n)" $?

# Invalid UTF-8, NUL bytes (escaped and raw) inside strings, duplicate keys,
# numbers beyond double range: all parse as events; the miner name still
# matches where it is intact.
{ falco_with "$(printf '\377\376\300\257 xmrig \355\240\200')"
  falco_with 'xmrig\\u0000tail'
  falco_with 'xmrig' | sed 's|"proc.name":"sh"|"proc.name":"sh","proc.name":"sh2"|'
  falco_with 'xmrig' | sed 's|"evt.type"|"n":1e999,"m":-1e999,"o":1e-999,"p":123456789012345678901234567890e300,"evt.type"|'
  printf '{"a":"x\000y","b":1}\n'; } >"$T/odd.jsonl"
run odd "$T/odd.jsonl"
accounts odd "$T/odd.stats" 5 5 0 0
n=$(grep -c cryptominer "$T/odd.out")
[ "$n" -ge 4 ]
check "odd: invalid UTF-8 / NUL / duplicate keys / huge numbers still match ($n)" $?

# A regex bomb against the shipped packs' regexes: 200,000 "curl " without a
# pipe keeps `(curl|wget)\b[^|;]*\|` backtracking. The match limit ends it:
# the event is counted, regex_limit_errors may be non-zero, and it finishes.
{ printf '%s\n' "$FALCO" | sed 's|CMDLINE.*||' | tr -d '\n'
  awk 'BEGIN{for(i=0;i<200000;i++) printf "curl "}'
  printf '%s\n' "$FALCO" | sed 's|.*CMDLINE||'; } >"$T/bomb.jsonl"
run regex_bomb "$T/bomb.jsonl"
accounts regex_bomb "$T/regex_bomb.stats" 1 1 0 0
# The shell view (runtime/normalize/shell*.c) on hostile command lines:
# substitutions nested 100,000 deep, 100,000 commands, an unclosed quote
# over 1 MB, 50,000 nested here-document openers. Each ends at a limit with
# process.shell.error (the low shell_analysis_cut_short rule reports it),
# never with a crash or unbounded work.
{ printf '%s\n' "$FALCO" | sed 's|CMDLINE.*||' | tr -d '\n'
  awk 'BEGIN{for(i=0;i<100000;i++) printf "$("; printf "curl x"; for(i=0;i<100000;i++) printf ")"}'
  printf '%s\n' "$FALCO" | sed 's|.*CMDLINE||'
  printf '%s\n' "$FALCO" | sed 's|CMDLINE.*||' | tr -d '\n'
  awk 'BEGIN{for(i=0;i<100000;i++) printf "a;"}'
  printf '%s\n' "$FALCO" | sed 's|.*CMDLINE||'
  printf '%s\n' "$FALCO" | sed 's|CMDLINE.*||' | tr -d '\n'
  printf "echo \\\"" ; awk 'BEGIN{for(i=0;i<1000000;i++) printf "x"}'
  printf '%s\n' "$FALCO" | sed 's|.*CMDLINE||'
  printf '%s\n' "$FALCO" | sed 's|CMDLINE.*||' | tr -d '\n'
  awk 'BEGIN{for(i=0;i<50000;i++) printf "sh <<E%d\\n", i}'
  printf '%s\n' "$FALCO" | sed 's|.*CMDLINE||'; } >"$T/shell.jsonl"
run shell_hostile "$T/shell.jsonl" --min-level low
accounts shell_hostile "$T/shell_hostile.stats" 4 4 0 0
[ "$(grep -c "too large or too nested for the shell analysis" "$T/shell_hostile.out")" -eq 4 ]
check "shell_hostile: every cut-short analysis reported" $?
# A pod whose env entries double through $(VAR) references (the kubelet's
# expansion): each value is cut at the analysis input limit.
awk 'BEGIN{printf "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"e\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"d\"},\"requestObject\":{\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"command\":[\"sh\",\"-c\",\"$(V63)\"],\"env\":[{\"name\":\"V0\",\"value\":\"curl x|sh;\"}";
  for(i=1;i<64;i++) printf ",{\"name\":\"V%d\",\"value\":\"$(V%d)$(V%d)\"}", i, i-1, i-1;
  printf "]}],\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":\"";
  for(i=0;i<200000;i++) printf "../";
  print "var/run/docker.sock\"}}]}}}"}' >"$T/envbomb.jsonl"
run env_bomb "$T/envbomb.jsonl" --min-level low
accounts env_bomb "$T/env_bomb.stats" 1 1 0 0
# And a catastrophic pattern of our own must hit the limit, not hang.
cat >"$T/bomb.gantry" <<'R'
rule bomb {
    id: "99999999-9999-4999-8999-999999999999"
    title: "bomb"
    level: low
    selection s: { a|re: r"^(a+)+$" }
    condition: s
}
R
printf '{"a":"%s!"}\n' "$(head -c 40000 /dev/zero | tr '\0' 'a')" >"$T/bomb2.jsonl"
"$GANTRY" match -r "$T/bomb.gantry" --stats "$T/bomb2.stats" "$T/bomb2.jsonl" >/dev/null 2>"$T/bomb2.err"
check "catastrophic regex: exit 0" $?
accounts catastrophic_regex "$T/bomb2.stats" 1 1 0 0
[ "$(stat_of "$T/bomb2.stats" regex_limit_errors)" -ge 1 ]
check "catastrophic regex: counted as a regex limit error" $?

# A .gz bomb: 1 GB of zeros (300 MB in the ASan build) in about 1 MB, as
# concatenated gzip members of 10 MB each. No newline, so it is one
# over-long line, skipped as it streams; memory stays flat.
head -c 10000000 /dev/zero | gzip -1 >"$T/zeros.gz"
members=100; [ "$SLOW" = 1 ] && members=30
i=0; while [ $i -lt $members ]; do cat "$T/zeros.gz"; i=$((i + 1)); done >"$T/bomb.jsonl.gz"
run_unreadable gz_bomb "$T/bomb.jsonl.gz"
accounts gz_bomb "$T/gz_bomb.stats" 1 0 0 1
bytes=$(stat_of "$T/gz_bomb.stats" bytes)
[ "${bytes%.*}" -ge $((members * 10000000)) ]
check "gz_bomb: all $members x 10 MB decompressed ($bytes bytes)" $?
# A gzip stream cut in half: an error naming the file, lines so far counted.
{ cat "$T/plain.jsonl" "$T/plain.jsonl"; } | gzip >"$T/cut.gz"
head -c $(($(wc -c <"$T/cut.gz") / 2)) "$T/cut.gz" >"$T/cut.jsonl.gz"
"$GANTRY" match -p "$T/shipped.gpk" --stats "$T/cut.stats" "$T/cut.jsonl.gz" >/dev/null 2>"$T/cut.err"
[ $? -eq 2 ] && has "$T/cut.err" "cut.jsonl.gz"
check "truncated gzip: exit 2 with the file named" $?

# A file truncated mid-line: the last line lacks its newline and its end.
{ cat "$T/plain.jsonl"; head -c 150 "$T/plain.jsonl"; } >"$T/cut.jsonl"
run cut_line "$T/cut.jsonl"
accounts cut_line "$T/cut_line.stats" 2 1 0 1
has "$T/cut_line.err" "truncated JSON"
check "cut_line: reason is truncated JSON" $?

# Blank lines and CRLF count as blank.
printf '\n  \r\n\t\n' >"$T/blank.jsonl"
run blank "$T/blank.jsonl"
accounts blank "$T/blank.stats" 3 0 3 0

# ---- request bodies in other shapes (JSON patch, YAML uploads, dockerd) ----
# Past a parser limit the event is kept and counted (events, not malformed),
# with error.message and what came before the limit; deploy_body_over_parser_limit
# reports it. Each finishes within `timeout`.
LIMIT_RULE=2476dcb9-eefb-4076-acd4-d54cc139f907 # deploy_body_over_parser_limit
PRIV_RULE=eb937da6-6ac8-4340-be10-b57b0a655f20  # privileged_container_deployed
AUDIT='{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"h","stage":"ResponseComplete","verb":"patch","user":{"username":"mallory"},"objectRef":{"resource":"deployments","namespace":"shop","name":"api","apiGroup":"apps"},"requestObject":'
{ printf '%s[{"op":"add","path":"/spec/template/spec/containers/0/securityContext/privileged","value":true}' "$AUDIT"
  awk 'BEGIN{for(i=0;i<100000;i++) printf ",{\"op\":\"add\",\"path\":\"/metadata/annotations/p%d\",\"value\":\"x\"}", i}'
  printf ']}\n'
  printf '%s[{"op":"add","path":"' "$AUDIT"
  awk 'BEGIN{for(i=0;i<10000;i++) printf "/k"}'
  printf '","value":1}]}\n'
  printf '%s[{"op":"add","path":"/spec/template/spec/containers/999999999999/name","value":"x"}]}\n' "$AUDIT"
} >"$T/patch.jsonl"
timeout 60 "$GANTRY" match -p "$T/shipped.gpk" --format jsonl --stats "$T/patch.stats" "$T/patch.jsonl" \
    >"$T/patch.out" 2>"$T/patch.err"
check "json patch limits: exit 0 within 60 s" $?
accounts json_patch "$T/patch.stats" 3 3 0 0
[ "$(grep -c "$LIMIT_RULE" "$T/patch.out")" -eq 3 ] && grep -q "$PRIV_RULE" "$T/patch.out"
check "json patch limits: each reported, the op before the limit still read" $?

dash_upload() { # dash_upload FILE: a Dashboard upload line whose content is FILE (JSON-escaped)
    printf '[2026-11-21T10:00:00Z] Incoming HTTP/1.1 POST /api/v1/appdeploymentfromfile request from 198.51.100.23:1: {"name":"x.yaml","namespace":"default","content":"'
    sed 's/\\/\\\\/g; s/"/\\"/g' "$1" | awk '{printf "%s\\n", $0}'
    printf '"}\n'
}
# a billion laughs: 10^12 values if aliases were expanded blindly
{ echo 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'
  for l in b c d e f g h i j k l; do
      p=$(echo "abcdefghijkl" | sed "s/$l.*//" | tail -c 2)
      printf '%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $l $l $p $p $p $p $p $p $p $p $p $p
  done; } >"$T/laughs.yaml"
awk 'BEGIN{for(i=0;i<100000;i++) printf "---\nkind: Pod\n"}' >"$T/docs.yaml"
awk 'BEGIN{for(i=0;i<20000;i++) printf "["; for(i=0;i<20000;i++) printf "]"; printf "\n"}' >"$T/nest.yaml"
awk 'BEGIN{printf "a: &a 1\nb: ["; for(i=0;i<200000;i++) printf "*a,"; printf "]\n"}' >"$T/aliases.yaml"
{ for f in laughs docs nest aliases; do dash_upload "$T/$f.yaml"; done; } >"$T/yaml.log"
timeout 60 "$GANTRY" match -p "$T/shipped.gpk" --format jsonl --stats "$T/yaml.stats" "$T/yaml.log" \
    >"$T/yaml.out" 2>"$T/yaml.err"
check "yaml upload limits: exit 0 within 60 s" $?
accounts yaml_uploads "$T/yaml.stats" 4 4 0 0
[ "$(grep -c "$LIMIT_RULE" "$T/yaml.out")" -eq 4 ]
check "yaml upload limits: each reported" $?

# dockerd: a 10 MB form-data body (the daemon logs none over 4 KiB, a forged
# log may), a body that is not JSON, and the JSON log form with a huge vars.
{ printf 'time="2026-11-21T10:00:01Z" level=debug msg="handling POST request" form-data="{\\"Image\\":\\"alpine\\",\\"Env\\":[\\"'
  head -c 10000000 /dev/zero | tr '\0' 'e'
  printf '\\"],\\"HostConfig\\":{\\"Privileged\\":true}}" method=POST module=api request-url=/v1.47/containers/create vars="map[]"\n'
  printf 'time="2026-11-21T10:00:02Z" level=debug msg="handling POST request" form-data="{not json" method=POST module=api request-url=/v1.47/containers/create vars="map[]"\n'
  printf '{"level":"debug","method":"POST","module":"api","msg":"handling POST request","request-url":"/v1.47/containers/create","form-data":[1,2],"vars":{'
  awk 'BEGIN{for(i=0;i<100000;i++) printf "%s\"k%d\":\"v\"", (i?",":""), i}'
  printf '}}\n'; } >"$T/dockerd.log"
timeout 60 "$GANTRY" match -p "$T/shipped.gpk" --format jsonl --stats "$T/dockerd.stats" "$T/dockerd.log" \
    >"$T/dockerd.out" 2>"$T/dockerd.err"
check "dockerd bodies: exit 0 within 60 s" $?
accounts dockerd_bodies "$T/dockerd.stats" 3 3 0 0
grep -q "$PRIV_RULE" "$T/dockerd.out" && [ "$(grep -c "$LIMIT_RULE" "$T/dockerd.out")" -eq 1 ]
check "dockerd bodies: the big body read, the broken one reported" $?

# ASan keeps freed memory in a 256 MB quarantine, which would read as growth.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
export ASAN_OPTIONS
# A long stream on stdin: memory flat (max RSS of 10x the lines stays within
# 16 MB of the short run) and every line counted.
if [ "$SLOW" = 1 ]; then short=20000; long=200000; else short=100000; long=1000000; fi
yes '{"verb":"get","user":{"username":"a"}}' | head -n $short |
    "$GANTRY" match -p "$T/shipped.gpk" -q --stats "$T/short.stats" - >/dev/null
check "stdin short run" $?
yes '{"verb":"get","user":{"username":"a"}}' | head -n $long |
    "$GANTRY" match -p "$T/shipped.gpk" -q --stats "$T/longrun.stats" - >/dev/null
check "stdin long run" $?
accounts stdin_long "$T/longrun.stats" $long $long 0 0
r1=$(stat_of "$T/short.stats" max_rss_kb); r2=$(stat_of "$T/longrun.stats" max_rss_kb)
[ "${r2%.*}" -le $((${r1%.*} + 16384)) ]
check "stdin: memory flat ($r1 KB for $short lines, $r2 KB for $long)" $?
# Endless stdin: still running (not crashed, not stopped) after 2 s, with a
# resident set that does not grow between 1 s and 2 s by more than 16 MB.
yes '{"verb":"get"}' | "$GANTRY" match -p "$T/shipped.gpk" -q - >/dev/null 2>&1 &
pid=$!
# $! of a background pipeline is its last command: gantry itself (no pgrep:
# procps is not on a minimal Debian)
gpid=$pid
sleep 1
rss_a=$(awk '/VmRSS/{print $2}' /proc/$gpid/status 2>/dev/null)
sleep 1
rss_b=$(awk '/VmRSS/{print $2}' /proc/$gpid/status 2>/dev/null)
alive=1; kill -0 "$gpid" 2>/dev/null && alive=0
kill "$gpid" 2>/dev/null
wait $pid 2>/dev/null
[ $alive -eq 0 ] && [ -n "$rss_a" ] && [ -n "$rss_b" ] && [ "$rss_b" -le $((rss_a + 16384)) ]
check "endless stdin: alive and flat (${rss_a:-?} KB -> ${rss_b:-?} KB)" $?

# ---- hostile rule sources: `gantry check` answers with diagnostics ----
# check_rule NAME FILE CODE: exit status 1, a diagnostic with CODE (or any
# error[ when CODE is -), and no crash; bounded by `timeout`.
check_rule() {
    timeout 60 "$GANTRY" check "$2" >"$T/$1.out" 2>"$T/$1.err"
    rc=$?
    ok=0
    [ $rc -eq 1 ] || ok=1
    if [ "$3" = - ]; then grep -q "error\[" "$T/$1.err" "$T/$1.out" || ok=1
    else grep -q "error\[$3\]" "$T/$1.err" "$T/$1.out" || ok=1; fi
    [ $ok -eq 0 ] || { echo "     exit $rc:"; head -c 600 "$T/$1.err"; echo; }
    check "rule source $1: diagnostics, exit 1" $ok
}
awk 'BEGIN{print "rule deep {\n id: \"1\"\n title: \"t\"\n selection s: { a: 1 }\n condition: ";
    for(i=0;i<100000;i++) printf "("; printf "s"; for(i=0;i<100000;i++) printf ")"; print "\n}"}' >"$T/parens.gantry"
check_rule parens "$T/parens.gantry" -
awk 'BEGIN{print "rule deepnot {\n id: \"1\"\n title: \"t\"\n selection s: { a: 1 }\n condition: ";
    for(i=0;i<100000;i++) printf "not "; print "s\n}"}' >"$T/nots.gantry"
check_rule nots "$T/nots.gantry" -
# A list of a million values is within the limit: it compiles (exit 0); a
# million and one is refused.
awk 'BEGIN{printf "list many: ["; for(i=0;i<1000000;i++) printf "\"v%d\",", i; print "]";
    print "rule big {\n id: \"1\"\n title: \"t\"\n level: low\n selection s: { a in many }\n condition: s\n}"}' >"$T/million.gantry"
timeout 120 "$GANTRY" compile -o "$T/million.gpk" "$T/million.gantry" >"$T/million.out" 2>&1
check "rule source million-value list: compiles" $?
awk 'BEGIN{printf "list many: ["; for(i=0;i<1000001;i++) printf "\"v%d\",", i; print "]";
    print "rule big {\n id: \"1\"\n title: \"t\"\n level: low\n selection s: { a in many }\n condition: s\n}"}' >"$T/million1.gantry"
check_rule million_plus_one "$T/million1.gantry" -
printf 'rule bad_re {\n id: "1"\n title: "t"\n selection s: { a|re: r"(unclosed[" }\n condition: s\n}\n' >"$T/regex.gantry"
check_rule bad_regex "$T/regex.gantry" -
printf 'rule huge_re {\n id: "1"\n title: "t"\n selection s: { a|re: r"(a{65535}){65535}" }\n condition: s\n}\n' >"$T/regex2.gantry"
check_rule uncompilable_regex "$T/regex2.gantry" -
printf 'include "b.gantry"\nlist la: ["x"]\n' >"$T/a.gantry"
printf 'include "a.gantry"\nlist lb: ["y"]\nrule r {\n id: "1"\n title: "t"\n selection s: { a in la }\n condition: s\n}\n' >"$T/b.gantry"
timeout 60 "$GANTRY" check "$T/a.gantry" >"$T/cycle.out" 2>&1
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ]
check "rule source include cycle: ends (exit $rc)" $?
mkdir -p "$T/selfinc"
printf 'include "self.gantry"\n' >"$T/selfinc/self.gantry"
timeout 60 "$GANTRY" check "$T/selfinc/self.gantry" >/dev/null 2>&1
rc=$?; [ $rc -eq 0 ] || [ $rc -eq 1 ]
check "rule source self include: ends (exit $rc)" $?
head -c 65536 /dev/urandom >"$T/binary.gantry"
printf '\000\001\002rule\000x {' >>"$T/binary.gantry"
check_rule binary "$T/binary.gantry" -
cp "$T/shipped.gpk" "$T/pack.gantry"
check_rule pack_as_source "$T/pack.gantry" -
printf '\377\376r\000u\000l\000e\000' >"$T/utf16.yml"
timeout 60 "$GANTRY" check "$T/utf16.yml" >"$T/utf16.out" 2>&1
# UTF-16 with a BOM decodes to the scalar "rule": no rule, skipped (W059)
[ $? -eq 0 ] && grep -q 'warning\[W059\]' "$T/utf16.out"
check "rule source binary YAML: skipped as no rule, exit 0" $?

echo "hostile: $fails failed"
[ "$fails" -eq 0 ]
