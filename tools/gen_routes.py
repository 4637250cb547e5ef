#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the cases of rules/t1610/other_routes.gantry: routes to a running
container that the deploy rules do not see (kubelet API through nodes/proxy,
mutating webhooks, static pods, Docker plugins, archive uploads, swarm
services) and isolation switches without a schema field (seccomp, AppArmor,
procMount, Windows HostProcess). corpus/t1610/<rule>.pos.routes.{jsonl,log}
must fire <rule>; <rule>.neg.routes.{jsonl,log} are near misses that must not.

Deterministic. Run from the repository root: python3 tools/gen_routes.py"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eventlib import (Clock, audit, compact, container, docker_create_body, docker_event,  # noqa: E402
                      dockerd_call, dockerd_create, dockerd_form, pod_spec, stable_id, workload)
import gen_platform  # noqa: E402

clock = Clock(start_offset=40000, step=2.0)
ALICE = "alice@corp.example"


def t():
    return clock.tick()


def retarget(line, uri, api_group=None, verb=None):
    """audit() builds URIs for plain resources; the kubelet proxy and
    admissionregistration paths are set here, as the API server logs them."""
    ev = json.loads(line)
    ev["requestURI"] = uri
    if api_group is not None:
        ev["objectRef"]["apiGroup"] = api_group
    if verb:
        ev["verb"] = verb
    return compact(ev)


def node_proxy(node, rest, user=ALICE, verb="create"):
    line = audit(t(), verb, "nodes", user=user, name=node, subresource="proxy",
                 code=101 if "/exec/" in rest or "/attach/" in rest else 200)
    return retarget(line, f"/api/v1/nodes/{node}/proxy/{rest}")


def webhook(user, verb="create", ua="kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819"):
    obj = {"kind": "MutatingWebhookConfiguration", "apiVersion": "admissionregistration.k8s.io/v1",
           "metadata": {"name": "pod-defaults"},
           "webhooks": [{"name": "pods.defaults.example.com", "admissionReviewVersions": ["v1"],
                         "sideEffects": "None", "failurePolicy": "Ignore",
                         "clientConfig": {"url": "https://203.0.113.7:8443/mutate"},
                         "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"],
                                    "resources": ["pods"], "scope": "*"}]}]}
    line = audit(t(), verb, "mutatingwebhookconfigurations", user=user, name="pod-defaults",
                 request_object=obj if verb != "get" else None, user_agent=ua)
    return retarget(line, "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"
                    + ("" if verb == "create" else "/pod-defaults"),
                    api_group="admissionregistration.k8s.io")


def mirror(image, node="worker-3"):
    obj = gen_platform.static_pod("kube-apiserver" if "apiserver" in image else "node-helper", image,
                                  ["sh", "-c", "sleep infinity"] if "apiserver" not in image else
                                  ["kube-apiserver", "--advertise-address=10.0.0.10"],
                                  [("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate")], node)
    return audit(t(), "create", "pods", "kube-system", user=f"system:node:{node}",
                 name=obj["metadata"]["name"], request_object=obj, source_ip="10.0.0.13",
                 user_agent="kubelet/v1.29.2 (linux/amd64) kubernetes/4b8e819")


def with_sc(c, **sc):
    c = dict(c)
    c["securityContext"] = dict(c.get("securityContext", {}), **sc)
    return c


def k8s(resource, name, ns, spec, user=ALICE):
    return audit(t(), "create", resource, ns, user=user, name=name,
                 request_object=workload(resource, name, ns, spec))


def pod_with(pod_sc=None, ctr_sc=None, image="ubuntu:22.04"):
    c = container("x", image, command=["sleep", "infinity"])
    if ctr_sc:
        c = with_sc(c, **ctr_sc)
    spec = pod_spec([c])
    if pod_sc:
        spec["securityContext"] = pod_sc
    return spec


def secured(opts):
    body = docker_create_body("ubuntu:22.04", cmd=["bash"])
    body["HostConfig"]["SecurityOpt"] = opts
    return body


def plugin_pull(ts):
    body = [{"Name": "network", "Description": "", "Value": ["host"]},
            {"Name": "mount", "Description": "", "Value": ["/var/lib/docker/plugins/"]},
            {"Name": "device", "Description": "", "Value": ["/dev/fuse"]},
            {"Name": "capabilities", "Description": "", "Value": ["CAP_SYS_ADMIN"]}]
    return [dockerd_call(ts, "POST", "/plugins/pull?name=sshfs&remote=vieux%2Fsshfs%3Alatest"),
            dockerd_form(ts, body)]


def service(ts, mounts, caps=None, path="/services/create"):
    spec = {"Image": "alpine:3.19", "Command": ["sh", "-c", "sleep infinity"], "Mounts": mounts}
    if caps:
        spec["CapabilityAdd"] = caps
    body = {"Name": "node-helper", "TaskTemplate": {"ContainerSpec": spec,
                                                     "RestartPolicy": {"Condition": "any"}},
            "Mode": {"Global": {}}}
    return [dockerd_call(ts, "POST", path), dockerd_form(ts, body)]


def cases():
    c = {}
    c[("kubelet_api_via_node_proxy", "pos", "jsonl")] = [
        node_proxy("worker-1", "run/shop/web-7d9c5-0abcd/web?cmd=id"),
        node_proxy("worker-2", "exec/kube-system/kube-proxy-x2b9q/kube-proxy?command=sh&command=-c&"
                   "command=id&input=1&output=1&tty=0", verb="get"),
        node_proxy("worker-2", "attach/shop/web-7d9c5-0abcd/web?output=1&error=1", verb="get")]
    c[("kubelet_api_via_node_proxy", "neg", "jsonl")] = [
        node_proxy("worker-1", "metrics/cadvisor", user="system:serviceaccount:monitoring:prometheus",
                   verb="get"),
        node_proxy("worker-1", "stats/summary", user="system:serviceaccount:kube-system:metrics-server",
                   verb="get"),
        node_proxy("worker-2", "logs/messages", verb="get"),
        node_proxy("worker-2", "runningpods/", verb="get")]
    c[("mutating_webhook_registered", "pos", "jsonl")] = [webhook(ALICE), webhook(ALICE, "patch")]
    c[("mutating_webhook_registered", "neg", "jsonl")] = [
        webhook("kubernetes-admin", ua="Helm/3.14.2"), webhook(ALICE, "get")]
    c[("unexpected_static_pod", "pos", "jsonl")] = [mirror("docker.io/library/alpine:3.19")]
    c[("unexpected_static_pod", "neg", "jsonl")] = [
        mirror("registry.k8s.io/kube-apiserver:v1.29.2", node="cp-1"),
        # the same image from a person is no mirror pod (the other rules judge it)
        k8s("pods", "helper", "kube-system", pod_with(image="docker.io/library/alpine:3.19"))]
    unconf = {"type": "Unconfined"}
    c[("isolation_profile_disabled", "pos", "jsonl")] = [
        k8s("pods", "noseccomp", "default", pod_with(pod_sc={"seccompProfile": unconf})),
        k8s("deployments", "noapparmor", "shop", pod_with(ctr_sc={"appArmorProfile": unconf})),
        k8s("cronjobs", "unmasked", "ops", pod_with(ctr_sc={"procMount": "Unmasked"})),
        k8s("pods", "noseccomp-init", "default",
            dict(pod_with(), initContainers=[with_sc(container("init", "busybox:1.36"),
                                                     seccompProfile=unconf)]))]
    c[("isolation_profile_disabled", "pos", "log")] = (
        dockerd_create(t(), "noseccomp", secured(["seccomp=unconfined"]))
        + dockerd_create(t(), "noapparmor", secured(["apparmor=unconfined", "label=disable"]))
        + dockerd_create(t(), "sysrq", secured(["systempaths=unconfined"])))
    c[("isolation_profile_disabled", "neg", "jsonl")] = [
        k8s("pods", "seccomp-default", "default", pod_with(pod_sc={"seccompProfile": {"type": "RuntimeDefault"}})),
        k8s("pods", "proc-default", "default", pod_with(ctr_sc={"procMount": "Default"}))]
    c[("isolation_profile_disabled", "neg", "log")] = (
        dockerd_create(t(), "hardened", secured(["no-new-privileges", "seccomp=/etc/docker/strict.json"])))
    hp_sc = {"windowsOptions": {"hostProcess": True, "runAsUserName": "NT AUTHORITY\\SYSTEM"}}
    win = pod_with(pod_sc=hp_sc, image="mcr.microsoft.com/windows/nanoserver:ltsc2022")
    win["hostNetwork"] = True
    c[("windows_host_process_container", "pos", "jsonl")] = [
        k8s("pods", "winhost", "default", win),
        k8s("daemonsets", "winagent", "ops", dict(pod_with(
            ctr_sc={"windowsOptions": {"hostProcess": True}},
            image="mcr.microsoft.com/windows/servercore:ltsc2022"), hostNetwork=True))]
    c[("windows_host_process_container", "neg", "jsonl")] = [
        k8s("pods", "wingmsa", "default", pod_with(
            pod_sc={"windowsOptions": {"gmsaCredentialSpecName": "webapp1"}},
            image="mcr.microsoft.com/windows/nanoserver:ltsc2022"))]
    c[("docker_plugin_installed", "pos", "log")] = (
        plugin_pull(t()) + [dockerd_call(t(), "POST", "/plugins/sshfs/enable?timeout=0")])
    c[("docker_plugin_installed", "pos", "jsonl")] = [
        docker_event(t(), "install", stable_id("plugin", "sshfs"), type_="plugin",
                     extra={"name": "vieux/sshfs:latest"})]
    c[("docker_plugin_installed", "neg", "log")] = [
        dockerd_call(t(), "GET", "/plugins"), dockerd_call(t(), "GET", "/plugins/sshfs/json")]
    c[("docker_plugin_installed", "neg", "jsonl")] = [
        docker_event(t(), "disable", stable_id("plugin", "sshfs"), type_="plugin",
                     extra={"name": "vieux/sshfs:latest"})]
    cid = stable_id("docker", "web")[:12]
    c[("docker_archive_uploaded", "pos", "log")] = [
        dockerd_call(t(), "PUT", f"/containers/{cid}/archive?noOverwriteDirNonDir=true&path=%2Ftmp")]
    c[("docker_archive_uploaded", "neg", "log")] = [
        dockerd_call(t(), "GET", f"/containers/{cid}/archive?path=%2Fvar%2Flog%2Fapp.log"),
        dockerd_call(t(), "HEAD", f"/containers/{cid}/archive?path=%2Ftmp")]
    c[("docker_service_created", "pos", "log")] = (
        service(t(), [{"Type": "volume", "Source": "data", "Target": "/data"}])
        + service(t(), [], path=f"/services/{stable_id('svc')[:25]}/update?version=12"))
    c[("docker_service_created", "neg", "log")] = [
        dockerd_call(t(), "GET", "/services"), dockerd_call(t(), "GET", "/services/node-helper")]
    c[("docker_risky_service_created", "pos", "log")] = (
        service(t(), [{"Type": "bind", "Source": "/", "Target": "/host"}])
        + service(t(), [{"Type": "bind", "Source": "/var/run/docker.sock", "Target": "/var/run/docker.sock"}])
        + service(t(), [], caps=["CAP_SYS_ADMIN"]))
    c[("docker_risky_service_created", "neg", "log")] = (
        service(t(), [{"Type": "volume", "Source": "data", "Target": "/data"}])
        + service(t(), [{"Type": "bind", "Source": "/srv/www", "Target": "/usr/share/nginx/html",
                         "ReadOnly": True}], caps=["CAP_NET_BIND_SERVICE"]))
    c[("isolation_profile_disabled", "pos", "jsonl")].append(
        k8s("pods", "spc", "default", pod_with(ctr_sc={"seLinuxOptions": {"type": "spc_t"}})))
    c[("isolation_profile_disabled", "neg", "jsonl")].append(
        k8s("pods", "selinux-mcs", "default", pod_with(pod_sc={"seLinuxOptions": {"level": "s0:c123,c456"}})))
    c[("docker_plugin_installed", "pos", "log")].append(
        dockerd_call(t(), "POST", "/plugins/sshfs/upgrade?remote=vieux%2Fsshfs%3Anext"))
    pv = {"kind": "PersistentVolume", "apiVersion": "v1",
          "metadata": {"name": "node-root", "creationTimestamp": None},
          "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"],
                   "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "manual",
                   "hostPath": {"path": "/", "type": ""}}}
    pv_local = json.loads(json.dumps(pv))
    del pv_local["spec"]["hostPath"]
    pv_local["metadata"]["name"] = "kubelet-dir"
    pv_local["spec"]["local"] = {"path": "/var/lib/kubelet"}
    pv_ok = json.loads(json.dumps(pv))
    pv_ok["metadata"]["name"] = "data"
    pv_ok["spec"]["hostPath"]["path"] = "/mnt/data"
    c[("sensitive_host_path_persistent_volume", "pos", "jsonl")] = [
        audit(t(), "create", "persistentvolumes", user=ALICE, name="node-root", request_object=pv),
        audit(t(), "create", "persistentvolumes", user=ALICE, name="kubelet-dir", request_object=pv_local)]
    c[("sensitive_host_path_persistent_volume", "neg", "jsonl")] = [
        audit(t(), "create", "persistentvolumes", user=ALICE, name="data", request_object=pv_ok),
        audit(t(), "get", "persistentvolumes", user=ALICE, name="node-root")]
    c[("privileged_docker_exec", "pos", "log")] = exec_body(cid, True)
    c[("privileged_docker_exec", "neg", "log")] = exec_body(cid, False)
    return c


def exec_body(cid, privileged):
    ts = t()
    body = {"AttachStderr": True, "AttachStdin": True, "AttachStdout": True, "Cmd": ["sh"],
            "Detach": False, "Env": None, "Privileged": privileged, "Tty": True, "User": ""}
    return [dockerd_call(ts, "POST", f"/containers/{cid}/exec"), dockerd_form(ts, body)]


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus", "t1610")
    for (rule, kind, ext), lines in cases().items():
        with open(os.path.join(root, f"{rule}.{kind}.routes.{ext}"), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
