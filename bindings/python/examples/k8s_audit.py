#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Read a Kubernetes audit log (JSON lines, plain or gzip) and print what the
shipped rules find, with the values each rule looked at.

    python3 k8s_audit.py AUDIT_LOG [RULES_DIR_OR_PACK]

RULES_DIR_OR_PACK defaults to the repository's rules/ directory."""
import gzip
import os
import sys

import gantry


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    log = argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    rules = argv[2] if len(argv) > 2 else os.path.join(here, "..", "..", "..", "rules")
    pack = (gantry.Pack.load(rules) if rules.endswith(".gpk")
            else gantry.compile_rules(paths=[rules]))
    opener = gzip.open if log.endswith(".gz") else open
    with pack, gantry.Session(pack, format="k8s_audit", source=log) as session:
        with opener(log, "rb") as stream:
            for m in session.scan(stream):
                if m.kind == "correlation":
                    print("CORRELATION %s [%s] %s" % (m.title, m.level, m.group))
                    continue
                user = m.event.first("user.username", "?")
                print("%s:%d %s [%s] by %s" % (m.source, m.line, m.rule.title, m.rule.level, user))
                for path, values in m.fields.items():
                    print("    %s = %s" % (path, ", ".join(str(v) for v in values)))
        stats = session.stats
    print("%d lines, %d events, %d malformed, %d matches" % (
        stats["lines"], stats["events"], stats["malformed"], stats["matches"]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
