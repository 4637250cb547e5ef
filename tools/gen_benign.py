#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes corpus/benign/: a day of ordinary activity of a small cluster and a
Docker host, one gzip file per source: control-plane and controller traffic,
routine deployments of trusted images, node agents that need privilege (all
described in rules/lists/platform.gantry), Docker health checks and CI containers, Dashboard browsing,
benign Falco notices and application DNS/egress logs. No shipped rule at
level medium or above may fire on it (`gantry test` checks this).

Deterministic: a fixed seed and gzip mtime 0, so the output bytes only change
when this script does. Run from the repository root:
python3 tools/gen_benign.py"""

import gzip
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eventlib import (Clock, audit, container, dashboard_request, dashboard_response,  # noqa: E402
                      dns_log, docker_create_body, docker_event, dockerd_call, dockerd_create,
                      falco_alert, pod_spec, proxy_log, stable_id, workload)

rng = random.Random(20261129)
clock = Clock(start_offset=0, step=2.5)

NODES = ["cp-1", "worker-1", "worker-2", "worker-3"]
SERVICES = ["api", "web", "cart", "checkout", "search", "payments"]
REG = "registry.corp.example"
CTRL = "system:serviceaccount:kube-system:"
SA_CI = "system:serviceaccount:ci:deployer"
KUBE_UA = "kube-controller-manager/v1.29.2 (linux/amd64) kubernetes/4b8e819/system:serviceaccount"


def t():
    return clock.tick()


def version():
    return f"1.{rng.randint(0, 9)}.{rng.randint(0, 30)}"


def app_pod(svc, ver):
    return pod_spec([container(svc, f"{REG}/shop/{svc}:{ver}",
                               command=["/app/server"], args=["--port=8080"],
                               mounts=[("config", "/etc/app")])],
                    service_account=svc)


def kube_audit_events(n):
    out = []
    versions = {s: version() for s in SERVICES}
    while len(out) < n:
        r = rng.random()
        node = rng.choice(NODES)
        if r < 0.22:
            lease = rng.choice(["kube-scheduler", "kube-controller-manager"])
            out.append(audit(t(), "update", "leases", "kube-system", user=f"system:{lease}",
                             name=lease, source_ip="10.0.0.10", user_agent=f"{lease}/v1.29.2"))
        elif r < 0.40:
            out.append(audit(t(), "update", "leases", "kube-node-lease", user=f"system:node:{node}",
                             name=node, source_ip="10.0.0.11", user_agent="kubelet/v1.29.2"))
        elif r < 0.52:
            out.append(audit(t(), "patch", "nodes", user=f"system:node:{node}", name=node,
                             subresource="status", source_ip="10.0.0.11",
                             user_agent="kubelet/v1.29.2"))
        elif r < 0.64:
            res = rng.choice(["pods", "services", "endpoints", "configmaps", "deployments"])
            out.append(audit(t(), rng.choice(["list", "watch"]), res,
                             user=CTRL + rng.choice(["endpoint-controller", "deployment-controller",
                                                     "replicaset-controller"]),
                             source_ip="10.0.0.10", user_agent=KUBE_UA))
        elif r < 0.72:
            svc = rng.choice(SERVICES)
            out.append(audit(t(), "update", "endpointslices", "shop",
                             user=CTRL + "endpointslice-controller", name=f"{svc}-x7k2p",
                             source_ip="10.0.0.10", user_agent=KUBE_UA))
        elif r < 0.78:
            svc = rng.choice(SERVICES)
            out.append(audit(t(), "get", "pods", "shop", user="grafana@corp.example",
                             name=f"{svc}-5f7c9-abcde", user_agent="Mozilla/5.0"))
        elif r < 0.84:
            svc = rng.choice(SERVICES)
            out.append(audit(t(), "update", "pods", "shop", user=f"system:node:{node}",
                             name=f"{svc}-5f7c9-{stable_id(svc, node, length=5)}",
                             subresource="status", source_ip="10.0.0.11",
                             user_agent="kubelet/v1.29.2"))
        elif r < 0.90:
            # a routine rollout: CI patches the deployment, the controllers
            # create a replica set and its pods.
            svc = rng.choice(SERVICES)
            versions[svc] = version()
            ver = versions[svc]
            out.append(audit(t(), "patch", "deployments", "shop", user=SA_CI, name=svc,
                             request_object=workload("deployments", svc, "shop", app_pod(svc, ver)),
                             source_ip="10.20.0.40", user_agent="argocd-application-controller/v2.10"))
            rs = f"{svc}-{stable_id(svc, ver, length=10)}"
            out.append(audit(t(), "create", "replicasets", "shop",
                             user=CTRL + "deployment-controller",
                             request_object=workload("replicasets", rs, "shop", app_pod(svc, ver)),
                             source_ip="10.0.0.10", user_agent=KUBE_UA))
            for i in range(2):
                out.append(audit(t(), "create", "pods", "shop", user=CTRL + "replicaset-controller",
                                 request_object=workload("pods", f"{rs}-{i}", "shop",
                                                         app_pod(svc, ver)),
                                 source_ip="10.0.0.10", user_agent=KUBE_UA))
        elif r < 0.93:
            # node agents re-created by the daemon set controller
            which = rng.choice(["kube-proxy", "calico-node", "node-exporter"])
            if which == "kube-proxy":
                ns, spec = "kube-system", pod_spec(
                    [container("kube-proxy", "registry.k8s.io/kube-proxy:v1.29.2",
                               command=["/usr/local/bin/kube-proxy",
                                        "--config=/var/lib/kube-proxy/config.conf"],
                               privileged=True,
                               mounts=[("lib-modules", "/lib/modules"),
                                       ("xtables-lock", "/run/xtables.lock")])],
                    host_paths={"lib-modules": "/lib/modules", "xtables-lock": "/run/xtables.lock"},
                    host_network=True)
            elif which == "calico-node":
                ns, spec = "kube-system", pod_spec(
                    [container("calico-node", "calico/node:v3.27.0", privileged=True,
                               mounts=[("var-run-calico", "/var/run/calico")])],
                    init_containers=[container("install-cni", "calico/cni:v3.27.0",
                                               command=["/opt/cni/bin/install"], privileged=True)],
                    host_paths={"var-run-calico": "/var/run/calico"}, host_network=True)
            else:
                ns, spec = "monitoring", pod_spec(
                    [container("node-exporter", "quay.io/prometheus/node-exporter:v1.7.0",
                               args=["--path.rootfs=/host/root"],
                               mounts=[("root", "/host/root"), ("proc", "/host/proc")])],
                    host_paths={"root": "/", "proc": "/proc"}, host_pid=True, host_network=True)
            out.append(audit(t(), "create", "pods", ns, user=CTRL + "daemon-set-controller",
                             request_object=workload("pods", f"{which}-{stable_id(t(), length=5)}",
                                                     ns, spec),
                             source_ip="10.0.0.10", user_agent=KUBE_UA))
        elif r < 0.95:
            out.append(audit(t(), "create", "pods", "kube-system",
                             user=CTRL + "replicaset-controller",
                             request_object=workload("pods", f"coredns-5d78c9869d-{stable_id(t(), length=5)}",
                                                     "kube-system", pod_spec([container(
                                                         "coredns", "registry.k8s.io/coredns/coredns:v1.11.1",
                                                         args=["-conf", "/etc/coredns/Corefile"],
                                                         caps_add=["NET_BIND_SERVICE"],
                                                         caps_drop=["ALL"])])),
                             source_ip="10.0.0.10", user_agent=KUBE_UA))
        elif r < 0.97:
            out.append(audit(t(), "create", "events", "shop", user=f"system:node:{node}",
                             source_ip="10.0.0.11", user_agent="kubelet/v1.29.2"))
        else:
            out.append(audit(t(), "get", "namespaces", user="system:anonymous", name="default",
                             code=403, decision="forbid", source_ip="10.0.0.99",
                             user_agent="curl/8.5.0"))
    return out


HEALTH = "/bin/sh -c curl -fs http://localhost:8080/healthz || exit 1"


def docker_events(n):
    out = []
    cids = {s: stable_id("docker", s) for s in SERVICES[:3]}
    while len(out) < n:
        svc = rng.choice(list(cids))
        cid = cids[svc]
        img = f"{REG}/shop/{svc}:2.3.1"
        r = rng.random()
        if r < 0.75:
            exec_id = stable_id(t(), svc)
            out.append(docker_event(t(), "exec_create: " + HEALTH, cid, img, svc,
                                    extra={"execID": exec_id}))
            out.append(docker_event(t(), "exec_start: " + HEALTH, cid, img, svc,
                                    extra={"execID": exec_id}))
            out.append(docker_event(t(), "exec_die", cid, img, svc,
                                    extra={"execID": exec_id, "exitCode": "0"}))
            out.append(docker_event(t(), "health_status: healthy", cid, img, svc))
        else:
            # a CI job container: create, start, die, destroy
            job = stable_id(t(), "job")
            jimg = f"{REG}/ci/runner:4.{rng.randint(0, 5)}.0"
            for action in ("create", "start", "die", "destroy"):
                extra = {"exitCode": "0"} if action == "die" else None
                out.append(docker_event(t(), action, job, jimg, f"ci-job-{job[:6]}", extra=extra))
    return out


def dockerd_lines(n_events):
    out = []
    count = 0
    while count < n_events:
        r = rng.random()
        if r < 0.45:
            out.append(dockerd_call(t(), "GET", "/_ping", version="v1.41").replace(
                "/v1.41/_ping", "/_ping"))
        elif r < 0.75:
            out.append(dockerd_call(t(), "GET", "/containers/json"))
        elif r < 0.85:
            out.append(dockerd_call(t(), "GET", f"/containers/{stable_id(r)[:12]}/json"))
        else:
            name = f"ci-job-{stable_id(t(), 'd')[:6]}"
            body = docker_create_body(f"{REG}/ci/runner:4.2.0",
                                      cmd=["/usr/bin/run-job", "--workspace", "/workspace"],
                                      binds=[f"/srv/ci/workspaces/{name}:/workspace:rw"],
                                      network_mode="bridge",
                                      env=["CI=true", f"JOB_NAME={name}"])
            out.extend(dockerd_create(t(), name, body))
            count += 1
            out.append(dockerd_call(t(), "POST", f"/containers/{stable_id(name)[:12]}/start"))
        count += 1
    return out


def falco_alerts(n):
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.5:
            out.append(falco_alert(t(), "Contact K8S API Server From Container", "Notice",
                                   {"proc.cmdline": "argocd-application-controller --status-processors 20",
                                    "proc.name": "argocd-applicat", "evt.type": "connect",
                                    "fd.name": "10.244.2.5:51234->10.96.0.1:443",
                                    "container.image.repository": "quay.io/argoproj/argocd"},
                                   tags=["network", "k8s", "container"]))
        else:
            out.append(falco_alert(t(), "Read sensitive file trusted after startup", "Notice",
                                   {"proc.cmdline": "sshd -D", "proc.name": "sshd",
                                    "fd.name": "/etc/shadow", "evt.type": "openat",
                                    "container.image.repository": f"{REG}/platform/bastion"},
                                   tags=["filesystem", "container"]))
    return out


def dashboard_lines(n):
    out = []
    paths = ["/api/v1/namespace", "/api/v1/overview/shop", "/api/v1/deployment/shop",
             "/api/v1/pod/shop", "/api/v1/settings/global", "/api/v1/systembanner"]
    while len(out) < n:
        peer = f"10.20.0.{rng.randint(20, 60)}:{rng.randint(40000, 60000)}"
        out.append(dashboard_request(t(), "GET", rng.choice(paths), peer))
        out.append(dashboard_response(t(), peer, 200))
    return out


def app_logs(n):
    out = []
    names = ["api.corp.example", "registry.corp.example", "github.com", "pypi.org",
             "kubernetes.default.svc.cluster.local", "s3.eu-west-1.amazonaws.com",
             "payments.corp.example", "oauth2.googleapis.com"]
    urls = ["https://api.corp.example/v2/orders", "https://pypi.org/simple/requests/",
            "https://github.com/corp/shop/releases", "https://payments.corp.example/charge"]
    while len(out) < n:
        ip = f"10.244.{rng.randint(0, 3)}.{rng.randint(2, 250)}"
        if rng.random() < 0.6:
            out.append(dns_log(t(), ip, rng.choice(names)))
        else:
            out.append(proxy_log(t(), ip, rng.choice(urls)))
    return out


def write_gz(path, lines):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(("\n".join(lines) + "\n").encode())


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "corpus"
    out_dir = os.path.join(root, "benign")
    os.makedirs(out_dir, exist_ok=True)
    files = {
        "k8s-audit.jsonl.gz": kube_audit_events(3400),
        "docker-events.jsonl.gz": docker_events(900),
        "dockerd.log.gz": dockerd_lines(420),
        "falco.jsonl.gz": falco_alerts(120),
        "dashboard.log.gz": dashboard_lines(160),
        "app.jsonl.gz": app_logs(320),
    }
    for name, lines in files.items():
        write_gz(os.path.join(out_dir, name), lines)
        print(f"{name}: {len(lines)} lines")


if __name__ == "__main__":
    main()
