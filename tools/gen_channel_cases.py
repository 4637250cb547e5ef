#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the rule cases of the deployment channels beyond a plain create
(docs/rules.md, "Channels"): ephemeral containers, JSON / merge / strategic
merge patches, the dockerd debug log of Docker Engine 27+ (one line per
request) in text and --log-format json beside the older Calling/form data
pair, Docker devices, bind volumes, remote builds, pre-1.24 host config, and
Dashboard manifest uploads parsed as YAML.

Files: corpus/<pack>/<rule>.pos.channels.<ext> and .neg.channels.<ext>
(gantry test reads NAME.pos.* / NAME.neg.*), and corpus/benign/channels.<ext>
(ordinary use of the same channels: nothing at medium or above may fire).
Each case says in its comment why it is (not) a match. Deterministic.

Run from the repository root: python3 tools/gen_channel_cases.py"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eventlib import (Clock, audit, compact, container, dashboard_request,  # noqa: E402
                      docker_create_body, dockerd_call, dockerd_form, pod_spec, stable_id,
                      workload)

clock = Clock(start_offset=3 * 86400, step=2)
CASES = {}  # (pack, rule) -> {"pos": {"jsonl": [], "log": []}, "neg": {...}}
BENIGN = {"jsonl": [], "log": []}
P = "t1610"
ATTACKER_IP = "198.51.100.23"
KUBECTL_UA = "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819"


def t():
    return clock.tick()


def _put(slot, events):
    for ev in events:
        if isinstance(ev, list):
            slot["log"].extend(ev)
        elif ev.startswith("{"):
            slot["jsonl"].append(ev)
        else:
            slot["log"].append(ev)


def add(rule, kind, *events, pack=P):
    slot = CASES.setdefault((pack, rule), {"pos": {"jsonl": [], "log": []},
                                           "neg": {"jsonl": [], "log": []}})
    _put(slot[kind], events)


def benign(*events):
    _put(BENIGN, events)


# ---- dockerd debug log, Docker Engine 27+ -----------------------------------
# daemon/server/middleware/debug.go logs one line per request:
#   logger.WithFields({module: api, method, request-url, vars[, form-data]})
#         .Debugf("handling %s request", r.Method)
# form-data only for POST with a JSON content type and a body of at most
# 4 KiB; in the text formatter it is json.Marshal of the decoded body (keys
# sorted, HTML characters escaped), in the JSON formatter the object itself.

def go_json(obj):
    """encoding/json.Marshal of a decoded map: sorted keys, HTML escaping."""
    text = json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def go_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def logrus_value(s):
    """logrus TextFormatter quotes a value with any character outside
    [A-Za-z0-9-._/@^+]."""
    plain = all(c.isalnum() or c in "-._/@^+" for c in s) and s
    return s if plain else go_quote(s)


def ts_text(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"


def route_vars(url):
    path = url.split("?", 1)[0].split("/")
    if len(path) > 3 and path[2] == "containers" and path[3] not in ("create", "json"):
        return {"name": path[3]}
    return {}


def go_map(d):
    return "map[" + " ".join(f"{k}:{v}" for k, v in sorted(d.items())) + "]"


def dockerd_handling(ts, method, url, body=None, status=None, error=None):
    """One text line of the new middleware (error: the handler's failure)."""
    fields = {}
    if error:
        fields["error-response"] = error
    if body is not None:
        fields["form-data"] = go_json(body)
    fields.update({"method": method, "module": "api", "request-url": url,
                   "vars": go_map(route_vars(url))})
    if status:
        fields["status"] = str(status)
    msg = f"error response for {method} request" if error else f"handling {method} request"
    line = f'time="{ts_text(ts)}" level=debug msg={go_quote(msg)}'
    for k in sorted(fields):
        line += f" {k}={logrus_value(fields[k])}"
    return line


def dockerd_handling_json(ts, method, url, body=None):
    """The same with --log-format json (logrus JSONFormatter: sorted keys,
    form-data an object)."""
    obj = {"level": "debug", "method": method, "module": "api",
           "msg": f"handling {method} request", "request-url": url,
           "time": ts_text(ts), "vars": route_vars(url)}
    if body is not None:
        obj["form-data"] = body
    return go_json(obj)


def dockerd_json_msg(ts, msg):
    """An older-middleware line (Calling ... / form data: ...) as JSON."""
    return go_json({"level": "debug", "msg": msg, "time": ts_text(ts)})


def new_create(name, body, version="v1.47"):
    return dockerd_handling(t(), "POST", f"/{version}/containers/create?name={name}", body)


def new_create_json(name, body, version="v1.47"):
    return dockerd_handling_json(t(), "POST", f"/{version}/containers/create?name={name}", body)


def old_create_json(name, body, version="v1.41"):
    ts = t()
    return [dockerd_json_msg(ts, f"Calling POST /{version}/containers/create?name={name}"),
            dockerd_json_msg(ts, "form data: " + go_json(body))]


def old_create(name, body, version="v1.41"):
    ts = t()
    return [dockerd_call(ts, "POST", f"/containers/create?name={name}", version),
            dockerd_form(ts, body)]


def body(image, **kw):
    return docker_create_body(image, **kw)


def device(path, inside=None):
    return {"PathOnHost": path, "PathInContainer": inside or path, "CgroupPermissions": "rwm"}


def with_devices(b, devs):
    b["HostConfig"]["Devices"] = devs
    return b


def volume_body(name, opts=None, driver="local"):
    return {"Driver": driver, "DriverOpts": opts or {}, "Labels": {}, "Name": name}


# ---- Kubernetes ---------------------------------------------------------------

def ephemeral_patch(pod, ns, debug_container, user="alice@corp.example"):
    """kubectl debug (1.23+): a strategic merge patch of the ephemeralcontainers
    subresource holding only the new container."""
    return audit(t(), "patch", "pods", ns, user=user, name=pod, subresource="ephemeralcontainers",
                 request_object={"spec": {"ephemeralContainers": [debug_container]}},
                 user_agent=KUBECTL_UA)


def debug_container(name, image="busybox:1.36", profile=None, target="app"):
    c = {"image": image, "name": name, "resources": {}, "stdin": True,
         "targetContainerName": target, "terminationMessagePolicy": "File", "tty": True}
    if profile == "sysadmin":
        c["securityContext"] = {"privileged": True}
    elif profile == "netadmin":
        c["securityContext"] = {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}
    elif profile == "restricted":
        c["securityContext"] = {"allowPrivilegeEscalation": False,
                                "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": True,
                                "seccompProfile": {"type": "RuntimeDefault"}}
    return c


def pod_with_ephemeral(name, ns, containers, ephemeral):
    obj = workload("pods", name, ns, pod_spec(containers))
    obj["spec"]["ephemeralContainers"] = ephemeral
    return obj


def json_patch(resource, name, ns, ops, user="alice@corp.example"):
    """kubectl patch --type=json: requestObject is the operation list."""
    return audit(t(), "patch", resource, ns, user=user, name=name, request_object=ops,
                 user_agent=KUBECTL_UA)


def merge_patch(resource, name, ns, obj, user="alice@corp.example"):
    """--type=merge or the default strategic merge: a partial object."""
    return audit(t(), "patch", resource, ns, user=user, name=name, request_object=obj,
                 user_agent=KUBECTL_UA)


def upload(peer, filename, content, namespace="default"):
    return dashboard_request(t(), "POST", "/api/v1/appdeploymentfromfile", peer,
                             {"name": filename, "namespace": namespace, "validate": True,
                              "content": content})


TPL = "/spec/template/spec"

# ================================================== ephemeral containers ===
# kubectl debug --profile=sysadmin: a privileged debug container.
add("privileged_container_deployed", "pos",
    ephemeral_patch("api-5f7c9-x2x7q", "shop",
                    debug_container("debugger-7xk2p", profile="sysadmin")),
    # a raw client PUTs the whole pod with the new ephemeral container
    audit(t(), "update", "pods", "shop", name="api-5f7c9-x2x7q",
          subresource="ephemeralcontainers", user_agent="python-requests/2.31.0",
          request_object=pod_with_ephemeral(
              "api-5f7c9-x2x7q", "shop",
              [container("app", "registry.corp.example/shop/api:1.4.2")],
              [debug_container("dbg", "ubuntu:22.04", profile="sysadmin")])),
    # before Kubernetes 1.22: the EphemeralContainers kind, list at the top
    audit(t(), "update", "pods", "shop", name="api-5f7c9-x2x7q",
          subresource="ephemeralcontainers",
          request_object={"kind": "EphemeralContainers", "apiVersion": "v1",
                          "metadata": {"name": "api-5f7c9-x2x7q", "namespace": "shop"},
                          "ephemeralContainers": [debug_container("dbg", "alpine:3.19",
                                                                  profile="sysadmin")]}))
add("privileged_container_deployed", "pos",
    # a raw client appending the debug container with a JSON patch
    audit(t(), "patch", "pods", "shop", name="api-5f7c9-x2x7q",
          subresource="ephemeralcontainers", user_agent="curl/8.5.0",
          request_object=[{"op": "add", "path": "/spec/ephemeralContainers/-",
                           "value": debug_container("dbg-raw", "alpine:3.19",
                                                    profile="sysadmin")}]))
add("privileged_container_deployed", "neg",
    # a plain debug container (the default profile)
    ephemeral_patch("api-5f7c9-x2x7q", "shop", debug_container("debugger-q9z8m")),
    # a PUT adding a plain debug container to a pod whose own container is
    # privileged: only the new container is deployed by this request
    audit(t(), "update", "pods", "shop", name="agent-2kd8s",
          subresource="ephemeralcontainers",
          request_object=pod_with_ephemeral(
              "agent-2kd8s", "shop",
              [container("agent", "registry.corp.example/shop/agent:3.1", privileged=True)],
              [debug_container("dbg")])),
    # the kubelet's status update of a privileged pod deploys nothing
    audit(t(), "update", "pods", "shop", name="agent-2kd8s", subresource="status",
          user="system:node:worker-2",
          request_object=workload("pods", "agent-2kd8s", "shop",
                                  pod_spec([container("agent", "ubuntu:22.04",
                                                      privileged=True)]))))
add("dangerous_capability_added", "pos",
    # kubectl debug --profile=netadmin adds NET_ADMIN and NET_RAW
    ephemeral_patch("api-5f7c9-x2x7q", "shop",
                    debug_container("debugger-n3t", "nicolaka/netshoot:v0.11",
                                    profile="netadmin")))
add("dangerous_capability_added", "neg",
    # --profile=restricted drops every capability
    ephemeral_patch("api-5f7c9-x2x7q", "shop",
                    debug_container("debugger-r5t", profile="restricted")))
benign(ephemeral_patch("web-6d4b9-kq2lp", "shop", debug_container("debugger-b3n1g")),
       ephemeral_patch("web-6d4b9-kq2lp", "shop",
                       debug_container("debugger-r2s", profile="restricted"),
                       user="bob@corp.example"))

# ============================================================== patches ===
# JSON patch (RFC 6902) on every workload kind: the operations are replayed.
add("privileged_container_deployed", "pos",
    json_patch("deployments", "api", "shop",
               [{"op": "replace", "path": f"{TPL}/containers/0/securityContext/privileged",
                 "value": True}]),
    # a whole container appended to a CronJob's job template
    json_patch("cronjobs", "report", "finance",
               [{"op": "add", "path": "/spec/jobTemplate/spec/template/spec/containers/-",
                 "value": container("side", "alpine:3.19", command=["sh"], privileged=True)}]),
    # the securityContext object set whole, in a daemonset
    json_patch("daemonsets", "log-agent", "logging",
               [{"op": "test", "path": "/spec/template/spec/containers/0/name",
                 "value": "agent"},
                {"op": "add", "path": f"{TPL}/containers/0/securityContext",
                 "value": {"privileged": True}}]),
    # merge patch (--type=merge): a partial object
    merge_patch("statefulsets", "db", "shop",
                {"spec": {"template": {"spec": {"containers": [
                    {"name": "db", "image": "postgres:16.1",
                     "securityContext": {"privileged": True}}]}}}}),
    # strategic merge patch (kubectl's default), with its directives
    merge_patch("deployments", "api", "shop",
                {"spec": {"template": {"spec": {
                    "$setElementOrder/containers": [{"name": "app"}],
                    "containers": [{"name": "app", "securityContext": {"privileged": True}}]}}}}))
add("privileged_container_deployed", "neg",
    # the patch turns privilege off
    json_patch("deployments", "api", "shop",
               [{"op": "replace", "path": f"{TPL}/containers/0/securityContext/privileged",
                 "value": False}]),
    # `test` only compares, `remove` writes nothing
    json_patch("deployments", "api", "shop",
               [{"op": "test", "path": f"{TPL}/containers/0/securityContext/privileged",
                 "value": True},
                {"op": "remove", "path": f"{TPL}/containers/0/securityContext/privileged"}]),
    # a path outside any pod spec (an annotation that merely says privileged)
    json_patch("deployments", "api", "shop",
               [{"op": "add", "path": "/metadata/annotations/security~1privileged",
                 "value": "true"}]))
add("host_pid_container_deployed", "pos",
    json_patch("deployments", "api", "shop",
               [{"op": "add", "path": f"{TPL}/hostPID", "value": True}]),
    json_patch("jobs", "migrate", "shop",
               [{"op": "add", "path": "/spec/template/spec",
                 "value": pod_spec([container("m", "ubuntu:22.04")], host_pid=True)}]))
add("host_pid_container_deployed", "neg",
    json_patch("deployments", "api", "shop",
               [{"op": "replace", "path": f"{TPL}/hostPID", "value": False}]),
    # hostPID on the Deployment's own spec is not in the pod template
    json_patch("deployments", "api", "shop",
               [{"op": "add", "path": "/spec/hostPID", "value": True}]))
add("sensitive_host_path_mounted", "pos",
    # a hostPath volume and its mount added by two appends
    json_patch("deployments", "api", "shop",
               [{"op": "add", "path": f"{TPL}/volumes/-",
                 "value": {"name": "host", "hostPath": {"path": "/", "type": "Directory"}}},
                {"op": "add", "path": f"{TPL}/containers/0/volumeMounts/-",
                 "value": {"name": "host", "mountPath": "/host"}}]),
    # replicationcontrollers, escaped pointer tokens do not matter here
    json_patch("replicationcontrollers", "legacy", "shop",
               [{"op": "add", "path": f"{TPL}/volumes",
                 "value": [{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]},
                {"op": "add", "path": f"{TPL}/containers/0/volumeMounts",
                 "value": [{"name": "sock", "mountPath": "/var/run/docker.sock"}]}]))
add("sensitive_host_path_mounted", "neg",
    # an emptyDir added the same way
    json_patch("deployments", "api", "shop",
               [{"op": "add", "path": f"{TPL}/volumes/-",
                 "value": {"name": "scratch", "emptyDir": {}}},
                {"op": "add", "path": f"{TPL}/containers/0/volumeMounts/-",
                 "value": {"name": "scratch", "mountPath": "/scratch"}}]))
benign(json_patch("deployments", "api", "shop",
                  [{"op": "replace", "path": f"{TPL}/containers/0/image",
                    "value": "registry.corp.example/shop/api:1.4.3"}], user="system:serviceaccount:ci:deployer"),
       json_patch("deployments", "api", "shop",
                  [{"op": "replace", "path": "/spec/replicas", "value": 4}]),
       # the scale subresource carries no pod spec
       audit(t(), "patch", "deployments", "shop", name="api", subresource="scale",
             request_object=[{"op": "replace", "path": "/spec/replicas", "value": 6}],
             user_agent=KUBECTL_UA),
       merge_patch("deployments", "web", "shop",
                   {"spec": {"template": {"metadata": {"annotations": {
                       "kubectl.kubernetes.io/restartedAt": "2026-11-23T10:00:00Z"}}}}}),
       json_patch("deployments", "api", "shop",
                  [{"op": "add", "path": f"{TPL}/containers/0/env/-",
                    "value": {"name": "LOG_LEVEL", "value": "debug"}}]))

# A patch past the operation limit: what came before the limit is matched,
# and the event is reported for being cut.
padding = [{"op": "add", "path": f"/metadata/annotations/pad-{i}", "value": "x"}
           for i in range(1001)]
add("deploy_body_over_parser_limit", "pos",
    json_patch("deployments", "api", "shop",
               padding + [{"op": "add", "path": f"{TPL}/containers/0/securityContext/privileged",
                           "value": True}]),
    json_patch("deployments", "api", "shop",
               [{"op": "add", "path": "/spec/template/spec/containers/7/x~2y", "value": 1}]))
add("deploy_body_over_parser_limit", "neg",
    json_patch("deployments", "api", "shop", padding[:40]),
    # the same limit on a resource that deploys nothing is not a deploy channel
    json_patch("configmaps", "settings", "shop", padding))

# ================================================== dockerd, both generations ===
PRIV = body("ubuntu:22.04", cmd=["bash"], privileged=True)
add("privileged_container_deployed", "pos",
    new_create("priv", PRIV),
    new_create_json("priv2", PRIV),
    old_create_json("priv3", PRIV),
    # pre-1.24 client: host settings in the start body
    [dockerd_call(t(), "POST", "/containers/4f1d2c3b9a77/start", "v1.12"),
     dockerd_form(t(), {"Binds": None, "Privileged": True, "PublishAllPorts": False})])
add("privileged_container_deployed", "neg",
    new_create("web", body("registry.corp.example/shop/web:2.3.1")),
    new_create_json("web2", body("registry.corp.example/shop/web:2.3.1")),
    # docker exec --privileged: an exec body's own flag, not a deployment
    dockerd_handling(t(), "POST", "/v1.47/containers/web/exec",
                     {"AttachStderr": True, "AttachStdout": True, "Cmd": ["sh"],
                      "Privileged": True, "Tty": False}))
add("host_pid_container_deployed", "pos",
    new_create("pidns", body("ubuntu:22.04", pid_mode="host")),
    # a pre-1.24 create body with host settings at the top level
    [dockerd_call(t(), "POST", "/containers/create?name=oldpid", "v1.18"),
     dockerd_form(t(), {"Image": "ubuntu:14.04", "Cmd": ["sh"], "PidMode": "host"})])
add("sensitive_host_path_mounted", "pos",
    new_create("sock", body("docker:24-cli", binds=["/var/run/docker.sock:/var/run/docker.sock"])),
    # a volume mount created on the fly with the local driver's bind options
    new_create_json("bindvol", body("alpine:3.19", mounts=[
        {"Type": "volume", "Source": "hostroot", "Target": "/host",
         "VolumeOptions": {"DriverConfig": {"Name": "local", "Options": {
             "type": "none", "o": "bind", "device": "/"}}}}])),
    [dockerd_call(t(), "POST", "/containers/create?name=oldbind", "v1.18"),
     dockerd_form(t(), {"Image": "ubuntu:14.04", "Binds": ["/etc:/host-etc"]})])
add("sensitive_host_path_mounted", "neg",
    new_create_json("namedvol", body("postgres:16.1", mounts=[
        {"Type": "volume", "Source": "pgdata", "Target": "/var/lib/postgresql/data"}])),
    new_create("datavol", body("alpine:3.19", mounts=[
        {"Type": "volume", "Source": "data", "Target": "/data",
         "VolumeOptions": {"DriverConfig": {"Name": "local", "Options": {
             "type": "none", "o": "bind", "device": "/srv/data"}}}}])))
add("docker_api_container_created", "pos",
    new_create("web", body("registry.corp.example/shop/web:2.3.1")),
    new_create_json("web", body("registry.corp.example/shop/web:2.3.1")),
    old_create_json("web", body("registry.corp.example/shop/web:2.3.1")))
add("docker_api_container_created", "neg",
    # the second line of a failed request is not a second create
    dockerd_handling(t(), "POST", "/v1.47/containers/create?name=web",
                     body("registry.corp.example/shop/web:2.3.1"), status=409,
                     error='Conflict. The container name "/web" is already in use'),
    dockerd_handling(t(), "GET", "/v1.47/containers/json"),
    dockerd_handling_json(t(), "POST", "/v1.47/containers/4f1d2c3b9a77/start"))

# Bodies over 4 KiB are not logged: only the line with method and URL is left.
add("docker_create_body_not_logged", "pos",
    dockerd_handling(t(), "POST", "/v1.47/containers/create?name=bulky"),
    dockerd_handling_json(t(), "POST", "/v1.47/containers/create?name=bulky2"),
    # the older middleware: a Calling line with no form data after it
    # (last in its file: the held line is released at the end of input)
    dockerd_call(t(), "POST", "/containers/create?name=bulky3", "v1.41"))
add("docker_create_body_not_logged", "neg",
    new_create("small", body("registry.corp.example/shop/web:2.3.1")),
    old_create("small2", body("registry.corp.example/shop/web:2.3.1")),
    # a start has no body to log
    dockerd_handling(t(), "POST", "/v1.47/containers/4f1d2c3b9a77/start"))

# docker exec --privileged: the exec body's own flag.
def exec_body(cmd, privileged):
    return {"AttachStderr": True, "AttachStdin": False, "AttachStdout": True, "Cmd": cmd,
            "Detach": False, "Env": None, "Privileged": privileged, "Tty": False, "User": ""}


# The rule is privileged_docker_exec (rules/t1610/other_routes.gantry).
add("privileged_docker_exec", "pos",
    dockerd_handling(t(), "POST", "/v1.47/containers/web/exec", exec_body(["sh"], True)),
    dockerd_handling_json(t(), "POST", "/v1.47/containers/4f1d2c3b9a77/exec",
                          exec_body(["nsenter", "-t", "1", "-m", "sh"], True)),
    [dockerd_call(t(), "POST", "/containers/4f1d2c3b9a77/exec", "v1.41"),
     dockerd_form(t(), exec_body(["sh"], True))])
add("privileged_docker_exec", "neg",
    dockerd_handling(t(), "POST", "/v1.47/containers/web/exec", exec_body(["sh"], False)),
    # a privileged container create is another rule's business
    new_create("priv4", PRIV))

# Host devices (docker run --device).
add("host_device_exposed", "pos",
    new_create("disk", with_devices(body("ubuntu:22.04", cmd=["sh"]), [device("/dev/sda")])),
    new_create_json("nvme", with_devices(body("alpine:3.19"), [device("/dev/nvme0n1", "/dev/x")])),
    old_create("mem", with_devices(body("ubuntu:22.04"), [device("/dev/mem")])),
    # a Kubernetes hostPath volume of a block device
    audit(t(), "create", "pods", "default", request_object=workload(
        "pods", "blk", "default",
        pod_spec([container("x", "ubuntu:22.04", mounts=[("d", "/dev/host-disk")])],
                 host_paths={"d": "/dev/sda1"}))))
add("host_device_exposed", "neg",
    # FUSE and TUN devices are what sshfs and VPN containers ask for
    new_create("sshfs", with_devices(body("alpine:3.19"), [device("/dev/fuse")])),
    new_create_json("vpn", with_devices(body("alpine:3.19"), [device("/dev/net/tun")])),
    new_create("gpu", with_devices(body("nvidia/cuda:12.3.1-base-ubuntu22.04"),
                                   [device("/dev/nvidia0"), device("/dev/nvidiactl")])))

# Local-driver volumes that bind a host path.
add("docker_host_path_volume_created", "pos",
    dockerd_handling(t(), "POST", "/v1.47/volumes/create",
                     volume_body("hostroot", {"type": "none", "o": "bind", "device": "/"})),
    dockerd_handling_json(t(), "POST", "/v1.47/volumes/create",
                          volume_body("etc", {"type": "none", "device": "/etc"})),
    [dockerd_call(t(), "POST", "/volumes/create", "v1.41"),
     dockerd_form(t(), volume_body("sock", {"o": "rbind", "device": "/var/run/docker.sock"}))])
add("docker_host_path_volume_created", "neg",
    dockerd_handling(t(), "POST", "/v1.47/volumes/create",
                     volume_body("data", {"type": "none", "o": "bind", "device": "/srv/data"})),
    # an NFS volume: the device is the export, not a host path
    dockerd_handling(t(), "POST", "/v1.47/volumes/create",
                     volume_body("share", {"type": "nfs", "o": "addr=10.0.0.5,rw",
                                           "device": ":/"})),
    dockerd_handling_json(t(), "POST", "/v1.47/volumes/create", volume_body("cache")))

# Builds from a remote context.
REMOTE = "https%3A%2F%2Fgithub.com%2Fexample-org%2Ftoolbox.git%23main"
add("docker_image_built_from_remote_context", "pos",
    dockerd_handling(t(), "POST", f"/v1.47/build?remote={REMOTE}&t=toolbox%3Alatest"),
    dockerd_handling_json(t(), "POST",
                          "/v1.47/build?dockerfile=Dockerfile&remote=http%3A%2F%2F"
                          "203.0.113.7%3A8000%2Fctx.tar.gz&t=cache"),
    dockerd_call(t(), "POST", "/build?remote=git%40github.com%3Aexample-org%2Fminer.git&t=m",
                 "v1.41"))
add("docker_image_built_from_remote_context", "neg",
    # a build of an uploaded tar context (the ordinary docker build)
    dockerd_handling(t(), "POST", "/v1.47/build?dockerfile=Dockerfile&t=shop%2Fweb%3A2.3.2"),
    dockerd_handling(t(), "POST", "/v1.47/build/prune?all=1"),
    dockerd_call(t(), "POST", "/build?t=shop%2Fapi%3A1.4.3", "v1.41"))

benign(new_create("web", body("registry.corp.example/shop/web:2.3.1", env=["PORT=8080"])),
       new_create_json("worker", body("registry.corp.example/shop/worker:1.9.0",
                                      cmd=["worker", "--queue", "jobs"])),
       dockerd_handling(t(), "POST", "/v1.47/containers/web/start"),
       dockerd_handling(t(), "GET", "/v1.47/containers/json?all=1"),
       dockerd_handling(t(), "GET", "/_ping"),
       dockerd_handling_json(t(), "POST", "/v1.47/volumes/create", volume_body("pgdata")),
       dockerd_handling(t(), "POST", "/v1.47/build?dockerfile=Dockerfile&t=shop%2Fweb%3A2.3.2"),
       dockerd_handling(t(), "POST", "/v1.47/containers/web/exec",
                        {"AttachStderr": True, "AttachStdout": True,
                         "Cmd": ["pg_isready"], "Privileged": False, "Tty": False}),
       dockerd_handling(t(), "POST", "/v1.47/containers/create?name=web",
                        body("registry.corp.example/shop/web:2.3.1"), status=409,
                        error='Conflict. The container name "/web" is already in use'),
       new_create("fuse", with_devices(body("registry.corp.example/shop/sync:1.0"),
                                       [device("/dev/fuse")])))

# ============================================================ Dashboard ===
PRIV_POD_YAML = """apiVersion: v1
kind: Pod
metadata:
  name: toolbox
spec:
  containers:
  - name: toolbox
    image: ubuntu:22.04
    command: ["sleep", "infinity"]
    securityContext:
      privileged: yes
"""
MULTI_YAML = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-helper
spec:
  selector:
    matchLabels: {app: node-helper}
  template:
    metadata:
      labels: {app: node-helper}
    spec:
      hostPID: True
      containers:
      - name: helper
        image: alpine:3.19
"""
ANCHOR_YAML = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: pair
spec:
  template:
    spec:
      containers:
      - name: a
        image: alpine:3.19
        securityContext: &root
          Privileged: false
          privileged: on
      - name: b
        image: alpine:3.19
        securityContext: *root
"""
JSON_LIST = compact({"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "h"},
     "spec": {"hostNetwork": True, "containers": [{"name": "h", "image": "alpine:3.19"}]}}]})
add("dashboard_risky_workload_deployed", "pos",
    upload(f"{ATTACKER_IP}:51030", "toolbox.yaml", PRIV_POD_YAML),
    upload(f"{ATTACKER_IP}:51031", "helper.yaml", MULTI_YAML),
    upload(f"{ATTACKER_IP}:51032", "pair.yaml", ANCHOR_YAML),
    upload(f"{ATTACKER_IP}:51033", "list.json", JSON_LIST))
add("dashboard_risky_workload_deployed", "neg",
    upload("10.20.0.15:40120", "toolbox.yaml", PRIV_POD_YAML.replace("yes", "no")),
    # text that says privileged: true inside a ConfigMap's data deploys nothing
    upload("10.20.0.15:40121", "notes.yaml",
           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n"
           "  howto: |\n    never set privileged: true or hostPID: true\n"))
add("privileged_container_deployed", "pos",
    upload(f"{ATTACKER_IP}:51034", "toolbox.yaml", PRIV_POD_YAML))
add("host_pid_container_deployed", "pos",
    upload(f"{ATTACKER_IP}:51035", "helper.yaml", MULTI_YAML))

# A body the log cut short (the file ends inside the JSON text, so this case
# is the last of its file): kept as text and searched without regard to case.
CUT = ("[TS] Incoming HTTP/1.1 POST /api/v1/appdeploymentfromfile request from "
       f"{ATTACKER_IP}:51038: " + '{"name":"p.yaml","namespace":"default","content":'
       '"kind: Pod\\nspec:\\n  hostPID: TRUE\\n  containers:\\n  - name: x')
add("dashboard_risky_workload_deployed", "pos",
    CUT.replace("[TS]", "[" + t().strftime("%Y-%m-%dT%H:%M:%SZ") + "]"))

BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
    for i in range(8))
add("deploy_body_over_parser_limit", "pos",
    upload(f"{ATTACKER_IP}:51036", "lol.yaml", "kind: Pod\nmetadata: {name: l}\n" + BOMB),
    upload(f"{ATTACKER_IP}:51037", "bad.yaml", "kind: Pod\nspec: [unclosed\n"))
benign(upload("10.20.0.15:40130", "web.yaml",
              "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
              "  namespace: shop\nspec:\n  replicas: 2\n  template:\n    spec:\n"
              "      containers:\n      - name: web\n"
              "        image: registry.corp.example/shop/web:2.3.1\n"
              "        securityContext:\n          allowPrivilegeEscalation: false\n"
              "          readOnlyRootFilesystem: yes\n---\napiVersion: v1\nkind: Service\n"
              "metadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n"),
       upload("10.20.0.15:40131", "notes.yaml",
              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n"
              "  howto: |\n    never set privileged: true or hostPID: true\n"))


def write(path, lines):
    if not lines:
        if os.path.exists(path):
            os.remove(path)
        return 0
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 1


# ---- fuzz seeds ------------------------------------------------------------
# fuzz/corpus/fuzz_bodies/: byte 0 picks the parser (0 JSON patch, 1 YAML
# manifest, 2 Docker body), the rest is its input. fuzz/corpus/fuzz_events/:
# byte 0 picks the input format (0 auto, 3 dockerd), the rest is log lines.

def hostile_patches():
    deep = "/" + "/".join(f"k{i}" for i in range(40))
    yield [{"op": "add", "path": deep, "value": 1}]
    yield [{"op": "add", "path": "/spec/containers/5000/name", "value": "x"}]
    yield [{"op": "add", "path": "/spec/a~2b", "value": 1}]
    yield [{"op": "add", "path": "spec/hostPID", "value": True}]
    yield [{"op": "add", "path": "", "value": {"spec": {"hostPID": True, "containers": [{}]}}}]
    yield [{"op": "add", "path": "/spec/containers/-/securityContext/privileged",
            "value": True}] * 3
    yield [{"op": "replace", "path": "/spec/containers/00/name", "value": "x"}]
    yield [{"op": "add", "path": "/spec/containers", "value": [{"name": "a"}] * 3},
           {"op": "add", "path": "/spec/containers/2/securityContext", "value": {"privileged": True}}]
    yield [{"op": "add", "path": "/" + "x" * 300, "value": 1}]
    yield [{"op": "move", "from": "/a", "path": "/spec/hostPID"}, {"op": 7, "path": None}]
    yield [{"op": "add", "path": f"/a/{i}", "value": [[[]]]} for i in range(1200)]


def hostile_yaml():
    yield "[" * 100 + "]" * 100
    yield "".join(f"---\nkind: Pod\nmetadata: {{name: p{i}}}\n" for i in range(70))
    yield "a: *nowhere\n"
    yield "? [a, b]\n: c\n"
    yield "base: &b {securityContext: {privileged: true}}\nspec:\n  containers:\n  - <<: [*b]\n"
    yield "spec: {containers: [{name: x, securityContext: {privileged: 0x1}}]}\nx: 0777\n"
    yield "a: &a [*a]\n"
    yield "kind: Pod\nspec:\n\tcontainers: []\n"
    yield "\xff\xfe bad: [utf8\n"
    yield "spec:\n  hostPID: !!str true\n  hostNetwork: ON\n  hostIPC: 'yes'\n"
    yield "a: " + "[" * 70 + "]" * 70 + "\n"


def seed(directory, data):
    os.makedirs(directory, exist_ok=True)
    import hashlib
    with open(os.path.join(directory, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def write_seeds(root):
    bodies = os.path.join(root, "fuzz_bodies")
    events = os.path.join(root, "fuzz_events")
    for (_, _), kinds in sorted(CASES.items()):
        for kind in ("pos", "neg"):
            for line in kinds[kind]["jsonl"]:
                obj = json.loads(line)
                if isinstance(obj.get("requestObject"), list) and len(line) < 20000:
                    seed(bodies, b"\0" + compact(obj["requestObject"]).encode())
            for line in kinds[kind]["log"]:
                if "appdeploymentfromfile" in line:
                    try:
                        content = json.loads(line.split(": ", 1)[1])["content"]
                    except ValueError:
                        continue  # a body cut short
                    seed(bodies, b"\1" + content.encode())
            text = "\n".join(kinds[kind]["log"] + kinds[kind]["jsonl"])
            if len(text) < 20000:
                seed(events, b"\0" + text.encode())
    for ops in hostile_patches():
        seed(bodies, b"\0" + compact(ops).encode())
    for text in hostile_yaml():
        seed(bodies, b"\1" + text.encode("utf-8", "surrogateescape"))
    for b in (with_devices(body("ubuntu:22.04"), [device("/dev/sda"), "/dev/mem:/dev/mem:rwm"]),
              {"Image": "ubuntu:14.04", "Binds": ["/:/h"], "Privileged": True, "CapAdd": ["ALL"]},
              {"Binds": None, "Privileged": True},
              volume_body("v", {"type": "none", "o": "ro,bind", "device": "/etc"}),
              {"Driver": 5, "DriverOpts": [], "Name": None},
              {"HostConfig": {"Mounts": [{"VolumeOptions": {"DriverConfig": {"Options": {
                  "o": "bind", "device": 7}}}}], "Devices": [{}, 3, None]}}):
        seed(bodies, b"\2" + compact(b).encode())
    seed(events, b"\3" + "\n".join(BENIGN["log"]).encode())


def correlation_cases(root):
    """t1610_risky_create_then_start on Engine 27+ lines behind journald's
    prefix (the host is the correlation's group key)."""
    clk = Clock(start_offset=86400, step=120)
    prefix = "Nov 21 {} node-1 dockerd[812]: "
    create = dockerd_handling(clk.tick(), "POST", "/v1.47/containers/create?name=pwn",
                              body("alpine", cmd=["sh"], binds=["/:/host"]))
    start = dockerd_handling(clk.tick(), "POST", "/v1.47/containers/pwn/start")
    lines = [prefix.format("10:02:00") + create, prefix.format("10:04:00") + start]
    return write(os.path.join(root, "correlations",
                              "t1610_risky_create_then_start.pos.engine27.log"), lines)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "corpus"
    written = correlation_cases(root)
    write_seeds(sys.argv[2] if len(sys.argv) > 2 else "fuzz/corpus")
    for (pack, rule), kinds in sorted(CASES.items()):
        os.makedirs(os.path.join(root, pack), exist_ok=True)
        for kind in ("pos", "neg"):
            for ext in ("jsonl", "log"):
                written += write(os.path.join(root, pack, f"{rule}.{kind}.channels.{ext}"),
                                 kinds[kind][ext])
    os.makedirs(os.path.join(root, "benign"), exist_ok=True)
    for ext in ("jsonl", "log"):
        written += write(os.path.join(root, "benign", f"channels.{ext}"), BENIGN[ext])
    print(f"wrote {written} files for {len(CASES)} rules under {root}/")


if __name__ == "__main__":
    main()
