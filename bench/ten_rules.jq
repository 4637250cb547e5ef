# SPDX-License-Identifier: Apache-2.0
# Hand translation of bench/rules/ten/*.yml into jq, the comparison point
# `make bench` runs beside gantry. Case-insensitive like Sigma; arrays crossed.
def lc: if type == "string" then ascii_downcase else . end;
def eqi($v): (. | lc) == ($v | lc);
def anyof(f; cond): [f | select(cond)] | length > 0;
def user: (.user.username // "");
select(type == "object") |
[
  (select(.verb | eqi("create")) | select(.objectRef.resource | eqi("pods"))
   | select(anyof(.requestObject.spec.containers[]?.securityContext.privileged; . == true))
   | "0b6c5b1e-0001-4e55-9a51-000000000001"),
  (select(.objectRef.resource | eqi("pods")) | select(.objectRef.subresource | eqi("exec"))
   | "0b6c5b1e-0002-4e55-9a51-000000000002"),
  (select(user | eqi("system:anonymous")) | "0b6c5b1e-0003-4e55-9a51-000000000003"),
  (select(.objectRef.resource | eqi("secrets")) | select((.verb | eqi("get")) or (.verb | eqi("list")))
   | select(user | lc | startswith("system:") | not) | "0b6c5b1e-0004-4e55-9a51-000000000004"),
  (select(.verb | eqi("create")) | select(.requestObject.spec.hostNetwork == true)
   | "0b6c5b1e-0005-4e55-9a51-000000000005"),
  (select(.verb | eqi("create")) | select(.requestObject.spec.hostPID == true)
   | "0b6c5b1e-0006-4e55-9a51-000000000006"),
  (select(.verb | eqi("create")) | select(.objectRef.resource | eqi("pods"))
   | select(.objectRef.namespace | eqi("kube-system"))
   | select(user | lc | startswith("system:") | not) | "0b6c5b1e-0007-4e55-9a51-000000000007"),
  (select(.responseStatus.code == 403 or .responseStatus.code == "403")
   | "0b6c5b1e-0008-4e55-9a51-000000000008"),
  (select((.userAgent // "") | lc | (contains("curl/") or contains("wget/")))
   | "0b6c5b1e-0009-4e55-9a51-000000000009"),
  (select(.verb | eqi("create"))
   | select(anyof(.requestObject.spec.containers[]?.image; (. // "") | lc | endswith(":latest")))
   | "0b6c5b1e-0010-4e55-9a51-000000000010")
] | .[]
