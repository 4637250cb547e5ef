#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `gantry match` gives the same matches, messages and accounting whether
# the pack-driven reader (runtime/read, runtime/api/fast.c) settles lines
# or every line goes through cJSON and the normalizer (--optimize=0, the
# reference). Packs: the ten benchmark rules and tests/data/reader (raw
# audit fields: arrays, numbers against text, booleans, null, a logsource
# category); the shipped packs and the SigmaHQ rules (normalized fields);
# tests/data/reader-renames (each copy, constant and computed field of the
# view, beside derived and workload fields); tests/data/scope (an element
# scope) and tests/data/reader-keywords (a keyword only the normalized
# event holds), which send lines the cJSON way; tests/data/reader-scope (a
# scope over events without a workload, which the reader judges itself);
# tests/data/reader-prefilter (the candidate index over a derived field). Inputs: corpus/,
# ../shared/corpus-real when present, generated events, and lines written
# here for each edge of the reader's semantics.
set -u
BUILD=${BUILD:-build}
G="$BUILD/gantry"
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
. tests/support/differential.sh

if [ -x "$BUILD/bench/gen_events" ]; then
    cp "$BUILD/bench/gen_events" "$T/gen_events"
else
    ${CC:-cc} -O2 -o "$T/gen_events" bench/gen_events.c || echo "cannot build bench/gen_events.c"
fi
"$T/gen_events" 3000 11 >"$T/mixed.log"
check "generate mixed events" $?
"$T/gen_events" 3000 5 --k8s-only >"$T/k8s.jsonl"
check "generate audit events" $?

# The edges, one line each. A held dockerd call must flush before the
# audit line after it, exactly as without the reader.
E='"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a1","verb":"get","objectRef":{"resource":"secrets"}'
{
    printf '{%s}\n' "$E"
    printf '{%s,"responseStatus":{"code":403}}\n' "$E"
    printf '{%s,"responseStatus":{"code":"201"}}\n' "$E"
    printf '{"kind":["Event"],"apiVersion":"audit.k8s.io/v1","verb":"get","objectRef":{"resource":"secrets"}}\n'
    printf '{"kind":"Event","kind":"Other","auditID":"x","verb":"list","objectRef":{"resource":"secrets"}}\n'
    printf '{"auditID":"a2","verb":"get","objectRef":{"resource":"secrets"}}\n'
    printf '{"auditID":7,"verb":"get","objectRef":{"resource":"secrets"}}\n'
    printf '{%s,"event.module":"falco"}\n' "$E"
    printf '{%s,"@timestamp":"2020-01-01T00:00:00Z"}\n' "$E"
    printf '{%s,"event":{"category":"process_creation"}}\n' "$E"
    printf '{"kind":"Event","auditID":"c1","verb":"create","event.category":"process_creation"}\n'
    printf '{"kind":"Event","auditID":"a3","verb":"create","objectRef":{"resource":"pods"},"event":{"category":["process_creation"]}}\n'
    printf '{"kind":"Event","auditID":"a4","verb":"get","objectRef":{"resource":"pods"},"objectRef.resource":"secrets"}\n'
    printf '{"kind":"Event","auditID":"a5","verb":"get","objectRef.resource":"secrets"}\n'
    printf '{"kind":"Event","auditID":"a6","verb":"get","objectRef":{"resource":"sec\\u0000rets"}}\n'
    printf '{"kind":"Event","auditID":"a7","verb":"g\\u0065t","objectRef":{"resource":"secrets"}}\n'
    printf '{"kind":"Event","auditID":"a8","verb":"create","requestObject":{"spec":{"hostNetwork":true,"containers":[{"image":"nginx:latest"},{"image":["a:latest"]}]}}}\n'
    printf '{"kind":"Event","auditID":"a9","verb":"create","requestObject":{"spec":{"hostNetwork":"true","dnsPolicy":null}}}\n'
    printf '{"kind":"Event","auditID":"b1","verb":"create","requestObject":{"spec":{"hostNetwork":true,"dnsPolicy":"Default"}}}\n'
    printf '\357\273\277{%s}\n' "$E"
    printf '  \t{%s}  \r\n' "$E"
    printf '{%s} trailing\n' "$E"
    printf '{%s,"x":01}\n' "$E"
    printf '{%s,"x":1e}\n' "$E"
    printf '{%s,"x":"\\q"}\n' "$E"
    printf '{%s,"x":"\001\377"}\n' "$E"
    printf '[{%s}]\n' "$E"
    printf '{"kind":"Event","auditID":"b2","verb":"get","objectRef":{"resource":"secrets"},"user":{"username":"system:serviceaccount:kube-system:x"},"userAgent":"kube-controller"}\n'
    # the plain copies: first keys, no arrays crossed, no flat keys, the
    # fallback paths, non-strings, the raw nested key when no copy is made
    R='"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","userAgent":"kubectl"'
    printf '{%s,"auditID":"r1","user":{"username":"system:a","uid":"u-2"}}\n' "$R"
    printf '{%s,"auditID":"r2","user":{"uid":"u-2"},"user":{"username":"system:b"}}\n' "$R"
    printf '{%s,"auditID":"r3","user":{"username":"system:c"},"user":{"username":"x"}}\n' "$R"
    printf '{%s,"auditID":"r4","user":[{"username":"system:d"}]}\n' "$R"
    printf '{%s,"auditID":"r5","user.username":"system:e"}\n' "$R"
    printf '{%s,"auditID":"r6","user":{"username":7,"name":"system:f"}}\n' "$R"
    printf '{%s,"auditID":"r7","user":{"name":"system:g","username":{"a":1}}}\n' "$R"
    printf '{%s,"auditID":"r8","user":{"username":"system:h","uid":"u-1"}}\n' "$R"
    printf '{%s,"auditID":"r9","user":{"username":"sys\\u0074em:i"}}\n' "$R"
    printf '{%s,"auditID":"s1","objectRef":{"resource":"pods"},"requestObject":{"metadata":{"namespace":"kube-system","name":"x1"}}}\n' "$R"
    printf '{%s,"auditID":"s2","objectRef":{"namespace":3},"requestObject":{"metadata":{"namespace":"kube-system"}},"responseObject":{"metadata":{"name":"x2"}}}\n' "$R"
    printf '{%s,"auditID":"s3","objectRef":{"namespace":"default","name":"x3"},"requestObject":{"metadata":{"namespace":"kube-system"}}}\n' "$R"
    printf '{%s,"auditID":"s4","orchestrator":{"namespace":"kube-system","resource":{"name":"x4"}}}\n' "$R"
    printf '{%s,"auditID":"s5","orchestrator.resource":{"name":"x5"},"objectRef":{"namespace":"kube-system"}}\n' "$R"
    printf '{%s,"auditID":"s6","requestObject":[{"metadata":{"namespace":"kube-system","name":"x6"}}]}\n' "$R"
    printf '{%s,"auditID":"t1","objectRef":{"resource":"secrets","apiGroup":""}}\n' "$R"
    printf '{%s,"auditID":"t2","objectRef":{"resource":"secrets","apiGroup":"","subresource":"status"}}\n' "$R"
    printf '{%s,"auditID":"t3","objectRef":{"resource":"secrets"},"orchestrator":{"resource":{"api_group":""}}}\n' "$R"
    printf '{%s,"auditID":"t4","objectRef":{"resource":"configmaps"},"user":{"username":"admin"}}\n' "$R"
    printf '{%s,"auditID":"t5","objectRef":{"resource":"configmaps"},"user":{"name":"admin"}}\n' "$R"
    printf '{%s,"auditID":"t6","objectRef":{"resource":"configmaps"}}\n' "$R"
    # the negated rule sees a copy the normalizer does not make
    printf '{%s,"auditID":"t7","objectRef":{"resource":"configmaps"},"user":{},"user":{"username":"admin"}}\n' "$R"
    printf '{%s,"auditID":"t8","objectRef":{"resource":"configmaps"},"user.username":"admin"}\n' "$R"
    printf '{%s,"auditID":"t9","objectRef":{"resource":"configmaps"},"user":[{"username":"admin"}]}\n' "$R"
    printf '{%s,"auditID":"a10","requestURI":"/api/v1/x"}\n' "$R"
    printf '{%s,"auditID":"b10","requestURI":"/api/v1/x","verb":"list"}\n' "$R"
    printf '{"kind":"Event","auditID":"a11","verb":"get","event":{"id":"a12"},"url":{"original":"/api"}}\n'
    printf '{%s,"auditID":"p1","objectRef":{"resource":"pods"},"requestObject":{"spec":{"containers":[{"image":"nginx:latest"}]}}}\n' "$R"
    printf '{%s,"auditID":"p2","objectRef":{"resource":"pods"}}\n' "$R"
    # the computed action, and fields written only from a workload (read
    # raw when the Event has none)
    V='"kind":"Event","apiVersion":"audit.k8s.io/v1","userAgent":"kubectl"'
    printf '{%s,"auditID":"e1","verb":"create","objectRef":{"resource":"pods","subresource":"exec"},"requestURI":"/api/v1/namespaces/d/pods/p/exec?command=sh&container=side"}\n' "$V"
    printf '{%s,"auditID":"e2","verb":"get","objectRef":{"subresource":"exec"}}\n' "$V"
    printf '{%s,"auditID":"e3","verb":"create","container":{"name":"side"}}\n' "$V"
    printf '{%s,"auditID":"e4","verb":"patch","objectRef":{"resource":"pods"},"requestObject":[{"op":"bogus","path":"/x"}]}\n' "$V"
    printf '{%s,"auditID":"e5","verb":"get","error":{"message":"op failed"}}\n' "$V"
    printf '{%s,"auditID":"e6","verb":"get","responseObject":{"spec":{"containers":[{"name":"side"}]}}}\n' "$V"
    printf '{%s,"auditID":"e7","verb":"get","requestObject":"s","responseObject":[{"op":"x"}],"error":{"message":"op"}}\n' "$V"
    printf '{%s,"auditID":"e8","verb":"create%s","objectRef":{"subresource":"exec"},"container":{"name":"side"}}\n' "$V" "$(printf '%070d' 0)"
    printf '{%s,"auditID":"e9","verb":"get","verb":"create","objectRef":{"subresource":"attach"},"container":{"name":"side"}}\n' "$V"
    printf '{%s,"auditID":"f1","verb":"create","objectRef":{"subresource":"exec"},"objectRef":{"subresource":"x"}}\n' "$V"
    printf '{%s,"auditID":"f2","verb":"get","requestObject":null,"responseObject":7,"container":{"name":"side"}}\n' "$V"
    printf '{%s,"auditID":"f3","verb":"get","event":{"module":"x","action":"exec"}}\n' "$V"
    printf '{%s,"auditID":"f4","verb":"deletecollection"}\n' "$V"
    printf '{%s,"auditID":"g1","verb":"create","requestObject":{"spec":{"containers":[{"image":"x/y","securityContext":{"privileged":true}}]}}}\n' "$V"
    printf '{%s,"auditID":"g2","verb":"create","container.list":[{"container.security_context.privileged":true}]}\n' "$V"
    # a walk tries 64 keys at one level: past them the copy is not seen
    u=""
    for _ in $(seq 62); do u="$u\"user\":{},"; done
    C='"objectRef":{"resource":"configmaps"},"user":{"username":"admin"}'
    printf '{%s,"auditID":"k1",%s,%s"x":1}\n' "$V" "$C" "$u"
    printf '{%s,"auditID":"k2",%s,%s"user":{},"x":1}\n' "$V" "$C" "$u"
    printf 'time="2024-02-01T10:20:00.100000000Z" level=debug msg="Calling POST /v1.43/containers/create?name=pwn"\n'
    printf '{%s}\n' "$E"
    printf 'time="2024-02-01T10:20:00.100500000Z" level=debug msg="form data: {\\"Image\\":\\"alpine\\"}"\n'
    printf '{"properties":{"log":"{}"},"category":"kube-audit"}\n'
    printf '\n'
    printf 'not json at all\n'
} >"$T/edges.jsonl"
d=130
deep=""
close=""
while [ $d -gt 0 ]; do deep="$deep["; close="$close]"; d=$((d - 1)); done
printf '{%s,"x":%s1%s}\n' "$E" "$deep" "$close" >>"$T/edges.jsonl"

compile ten bench/rules/ten
compile reader tests/data/reader
# packs that read normalized fields: the plain copies of an audit Event
# read through the reader's view, the derived ones send the event the
# cJSON way (runtime/api/fast.c)
compile shipped rules/lists rules/t1610 rules/doki rules/kinsing rules/correlations
compile renames tests/data/reader-renames
compile scope tests/data/scope
compile scope_root tests/data/reader-scope
compile prefilter tests/data/reader-prefilter
compile keywords tests/data/reader-keywords
if [ -d ../shared/sigma/full/rules ]; then
    compile sigma --placeholders empty ../shared/sigma/full/rules bench/rules/ten
else
    echo "skip SigmaHQ rules: ../shared/sigma/full/rules absent"
    missing="$missing ../shared/sigma/full/rules"
fi

INPUTS="corpus $T/mixed.log $T/k8s.jsonl $T/edges.jsonl"
add_real_corpus
diff_packs 1 "the reader"
# not vacuous: each pack matches somewhere, each rule of the reader pack
# too, and the edges do
for p in "$T"/*.gpk; do
    name=$(basename "$p" .gpk)
    [ "$(wc -l <"$T/$name-plain.jsonl")" -gt 0 ]
    check "$name: something matches" $?
done
for id in 1 2 3 4 5 6; do
    grep -q "00000000000$id\"" "$T/reader-plain.jsonl"
    check "reader rule $id matches somewhere" $?
done
for id in 1 2 3 4 5 6 7 8; do
    grep -q "00000000010$id\"" "$T/renames-plain.jsonl"
    check "renames rule 10$id matches somewhere" $?
done
[ "$(grep -c '"line":' "$T/reader-plain.jsonl")" -gt 0 ]
check "matches carry their lines" $?

diff_end reader_diff
