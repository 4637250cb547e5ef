# SPDX-License-Identifier: Apache-2.0
"""Builders for the event formats Gantry reads, used by the corpus generators
(tools/gen_cases.py, tools/gen_benign.py). The shapes follow the real samples
in ../shared/corpus-real: Kubernetes audit Event objects (audit.k8s.io/v1),
Docker Engine events, dockerd debug logs with the create request's form data,
Falco JSON alerts, Kubernetes Dashboard backend logs, and plain JSON
application logs. Every value is deterministic (no clock, no randomness), so
regenerating the corpus gives the same bytes."""

import datetime
import hashlib
import json

BASE_TIME = datetime.datetime(2026, 11, 20, 10, 0, 0, tzinfo=datetime.timezone.utc)


class Clock:
    """Hands out increasing timestamps, `step` seconds apart."""

    def __init__(self, start_offset=0, step=1.0):
        self.t = float(start_offset)
        self.step = step

    def tick(self):
        self.t += self.step
        return BASE_TIME + datetime.timedelta(seconds=self.t)


def rfc3339(ts, micro=True):
    if micro:
        return ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def nano(ts):
    return int(ts.timestamp()) * 1_000_000_000 + ts.microsecond * 1000


def stable_id(*parts, length=64):
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()[:length]


def stable_uuid(*parts):
    h = stable_id(*parts, length=32)
    return f"{h[0:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def compact(obj):
    return json.dumps(obj, separators=(",", ":"))


# ---- Kubernetes ---------------------------------------------------------

API_GROUPS = {
    "pods": ("", "v1"),
    "replicationcontrollers": ("", "v1"),
    "services": ("", "v1"),
    "configmaps": ("", "v1"),
    "secrets": ("", "v1"),
    "endpoints": ("", "v1"),
    "events": ("", "v1"),
    "namespaces": ("", "v1"),
    "nodes": ("", "v1"),
    "deployments": ("apps", "v1"),
    "replicasets": ("apps", "v1"),
    "daemonsets": ("apps", "v1"),
    "statefulsets": ("apps", "v1"),
    "jobs": ("batch", "v1"),
    "cronjobs": ("batch", "v1"),
    "leases": ("coordination.k8s.io", "v1"),
    "endpointslices": ("discovery.k8s.io", "v1"),
}

KINDS = {
    "pods": "Pod",
    "deployments": "Deployment",
    "replicasets": "ReplicaSet",
    "daemonsets": "DaemonSet",
    "statefulsets": "StatefulSet",
    "jobs": "Job",
    "cronjobs": "CronJob",
    "replicationcontrollers": "ReplicationController",
}


def container(name, image, command=None, args=None, privileged=None, caps_add=None,
              caps_drop=None, mounts=None):
    c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent", "resources": {}}
    if command is not None:
        c["command"] = command
    if args is not None:
        c["args"] = args
    sc = {}
    if privileged is not None:
        sc["privileged"] = privileged
    if caps_add or caps_drop:
        sc["capabilities"] = {}
        if caps_add:
            sc["capabilities"]["add"] = caps_add
        if caps_drop:
            sc["capabilities"]["drop"] = caps_drop
    if sc:
        c["securityContext"] = sc
    if mounts:
        c["volumeMounts"] = [{"name": n, "mountPath": p} for n, p in mounts]
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    return c


def pod_spec(containers, host_paths=None, init_containers=None, host_pid=None,
             host_network=None, host_ipc=None, node_name=None, service_account=None):
    spec = {"containers": containers}
    if init_containers:
        spec["initContainers"] = init_containers
    vols = []
    for name, path in (host_paths or {}).items():
        vols.append({"name": name, "hostPath": {"path": path, "type": ""}})
    if vols:
        spec["volumes"] = vols
    if host_pid is not None:
        spec["hostPID"] = host_pid
    if host_network is not None:
        spec["hostNetwork"] = host_network
    if host_ipc is not None:
        spec["hostIPC"] = host_ipc
    if node_name:
        spec["nodeName"] = node_name
    if service_account:
        spec["serviceAccountName"] = service_account
    spec.update({"restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                 "schedulerName": "default-scheduler", "securityContext": {}})
    return spec


def workload(resource, name, namespace, spec, labels=None):
    """The request object of a workload create: the pod spec sits at spec
    (pods), spec.template.spec (controllers) or
    spec.jobTemplate.spec.template.spec (cronjobs)."""
    labels = labels or {"app": name}
    group, version = API_GROUPS[resource]
    obj = {"kind": KINDS[resource], "apiVersion": f"{group}/{version}" if group else version,
           "metadata": {"name": name, "namespace": namespace, "labels": labels,
                        "creationTimestamp": None}}
    template = {"metadata": {"labels": labels, "creationTimestamp": None}, "spec": spec}
    if resource == "pods":
        obj["spec"] = spec
    elif resource == "cronjobs":
        obj["spec"] = {"schedule": "*/10 * * * *", "concurrencyPolicy": "Forbid",
                       "jobTemplate": {"spec": {"template": template}}}
    elif resource == "jobs":
        template["spec"] = dict(spec, restartPolicy="Never")
        obj["spec"] = {"backoffLimit": 2, "template": template}
    else:
        obj["spec"] = {"replicas": 2, "selector": {"matchLabels": labels}, "template": template}
    obj["status"] = {}
    return obj


def audit(ts, verb, resource, namespace=None, user="alice@corp.example", groups=None,
          name=None, subresource=None, request_object=None, code=None, stage="ResponseComplete",
          source_ip="10.20.0.15", user_agent="kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
          query=None, decision="allow", level="Request"):
    group, version = API_GROUPS.get(resource, ("", "v1"))
    prefix = f"/apis/{group}/{version}" if group else f"/api/{version}"
    uri = prefix
    if namespace and resource != "namespaces":
        uri += f"/namespaces/{namespace}"
    uri += f"/{resource}"
    if name and verb not in ("create",) or (name and subresource):
        uri += f"/{name}"
    if subresource:
        uri += f"/{subresource}"
    if query:
        uri += "?" + query
    if groups is None:
        if user.startswith("system:serviceaccount:"):
            ns = user.split(":")[2]
            groups = ["system:serviceaccounts", f"system:serviceaccounts:{ns}",
                      "system:authenticated"]
        elif user.startswith("system:node:"):
            groups = ["system:nodes", "system:authenticated"]
        elif user in ("system:anonymous",):
            groups = ["system:unauthenticated"]
        else:
            groups = ["developers", "system:authenticated"]
    if code is None:
        code = {"create": 201, "delete": 200}.get(verb, 200)
        if subresource in ("exec", "attach"):
            code = 101
    ref = {"resource": resource, "apiVersion": version}
    if group:
        ref["apiGroup"] = group
    if namespace and resource != "namespaces":
        ref["namespace"] = namespace
    if name:
        ref["name"] = name
    if subresource:
        ref["subresource"] = subresource
    ev = {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": level,
        "auditID": stable_uuid(ts.isoformat(), verb, resource, name, user, subresource),
        "stage": stage,
        "requestURI": uri,
        "verb": verb,
        "user": {"username": user, "groups": groups},
        "sourceIPs": [source_ip],
        "userAgent": user_agent,
        "objectRef": ref,
        "responseStatus": {"metadata": {}, "code": code},
    }
    if request_object is not None:
        ev["requestObject"] = request_object
    ev["requestReceivedTimestamp"] = rfc3339(ts)
    ev["stageTimestamp"] = rfc3339(ts + datetime.timedelta(milliseconds=7))
    ev["annotations"] = {"authorization.k8s.io/decision": decision,
                         "authorization.k8s.io/reason": "" if decision == "allow"
                         else "no RBAC policy matched"}
    return compact(ev)


# ---- Docker -------------------------------------------------------------

def docker_event(ts, action, cid, image=None, name=None, type_="container", extra=None):
    attrs = {}
    if image:
        attrs["image"] = image
    if name:
        attrs["name"] = name
    attrs.update(extra or {})
    ev = {}
    if type_ == "container":
        ev.update({"status": action, "id": cid})
        if image:
            ev["from"] = image
    ev.update({"Type": type_, "Action": action, "Actor": {"ID": cid, "Attributes": attrs},
               "scope": "local", "time": int(ts.timestamp()), "timeNano": nano(ts)})
    return compact(ev)


def _logrus(ts, msg, level="debug"):
    escaped = msg.replace("\\", "\\\\").replace('"', '\\"')
    return f'time="{ts.strftime("%Y-%m-%dT%H:%M:%S.%f")}000Z" level={level} msg="{escaped}"'


def dockerd_call(ts, method, path, version="v1.41"):
    return _logrus(ts, f"Calling {method} /{version}{path}")


def dockerd_form(ts, body):
    return _logrus(ts, "form data: " + compact(body))


def docker_create_body(image, cmd=None, entrypoint=None, binds=None, mounts=None,
                       privileged=False, pid_mode="", network_mode="default", ipc_mode="",
                       cap_add=None, cap_drop=None, env=None):
    host = {"Binds": binds, "NetworkMode": network_mode, "PidMode": pid_mode,
            "IpcMode": ipc_mode, "Privileged": privileged, "CapAdd": cap_add,
            "CapDrop": cap_drop, "PortBindings": {},
            "RestartPolicy": {"MaximumRetryCount": 0, "Name": "no"}, "LogConfig":
            {"Config": {}, "Type": ""}}
    if mounts is not None:
        host["Mounts"] = mounts
    return {"AttachStderr": False, "AttachStdin": False, "AttachStdout": False, "Cmd": cmd,
            "Entrypoint": entrypoint, "Env": env or [], "HostConfig": host, "Image": image,
            "Labels": {}, "NetworkingConfig": {"EndpointsConfig": {}}, "OpenStdin": False,
            "StdinOnce": False, "Tty": False, "Volumes": {}}


def dockerd_create(ts, name, body, version="v1.41"):
    """The create call and its form data: two lines, one event."""
    return [dockerd_call(ts, "POST", f"/containers/create?name={name}", version),
            dockerd_form(ts, body)]


def dockerd_exec(ts, cid, cmd, version="v1.41"):
    body = {"AttachStderr": True, "AttachStdin": False, "AttachStdout": True, "Cmd": cmd,
            "Detach": False, "Env": None, "Privileged": False, "Tty": False, "User": ""}
    return [dockerd_call(ts, "POST", f"/containers/{cid}/exec", version),
            dockerd_form(ts, body)]


# ---- Falco ----------------------------------------------------------------

def falco_alert(ts, rule, priority, fields, tags=None, hostname="worker-2"):
    desc = " ".join(f"{k.split('.')[-1]}={v}" for k, v in fields.items()
                    if k in ("proc.cmdline", "fd.name", "proc.exepath"))
    out_fields = {"container.id": "4f1d2c3b9a77", "container.name": "web-7d9c",
                  "container.image.repository": "docker.io/library/ubuntu",
                  "container.image.tag": "22.04",
                  "evt.time": nano(ts), "evt.type": "execve", "user.name": "root",
                  "user.uid": 0}
    out_fields.update(fields)
    return compact({
        "hostname": hostname,
        "output": f"{ts.strftime('%Y-%m-%dT%H:%M:%S.%f')}000+0000: {priority} {rule} ({desc} "
                  f"container_id={out_fields['container.id']})",
        "priority": priority,
        "rule": rule,
        "source": "syscall",
        "tags": tags or ["container", "process"],
        "time": ts.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z",
        "output_fields": out_fields,
    })


# ---- Kubernetes Dashboard ------------------------------------------------

def dashboard_request(ts, method, path, peer, body=None):
    text = "{}" if body is None else compact(body)
    return (f"[{rfc3339(ts, micro=False)}] Incoming HTTP/1.1 {method} {path} request from "
            f"{peer}: {text}")


def dashboard_response(ts, peer, code):
    return f"[{rfc3339(ts, micro=False)}] Outcoming response to {peer} with {code} status code"


def dashboard_deploy_form(name, image, namespace="default", privileged=False, command=None,
                          args=None):
    return {"containerImage": image, "containerCommand": command, "containerCommandArgs": args,
            "isExternal": False, "name": name, "description": None, "portMappings": [],
            "labels": [{"key": "k8s-app", "value": name}], "replicas": 1,
            "namespace": namespace, "memoryRequirement": None, "cpuRequirement": None,
            "runAsPrivileged": privileged, "variables": [], "imagePullSecret": None}


# ---- application logs (plain JSON, passed through by the normalizer) -----

def dns_log(ts, client_ip, name, qtype="A", rcode="NOERROR", pod="web-7d9c"):
    return compact({"@timestamp": rfc3339(ts), "log_type": "dns",
                    "dns": {"question": {"name": name, "type": qtype}, "response_code": rcode},
                    "client": {"ip": client_ip}, "kubernetes": {"pod": pod}})


def proxy_log(ts, client_ip, url, method="GET", status=200):
    domain = url.split("//", 1)[-1].split("/", 1)[0].split(":")[0]
    return compact({"@timestamp": rfc3339(ts), "log_type": "egress_proxy",
                    "http": {"request": {"method": method}, "response": {"status_code": status}},
                    "url": {"original": url, "domain": domain},
                    "client": {"ip": client_ip}})
