# SPDX-License-Identifier: Apache-2.0
"""Prints FILE<TAB>LINE<TAB>RULE_ID for every rule match in the files given
(plain or gzip), one session per file: the corpus comparison test
(tests/cli/embed_corpus.sh) checks these against `gantry match`.

    python3 match_files.py RULES_DIR_OR_PACK FILE..."""
import gzip
import sys

import gantry


def main(argv):
    src = argv[1]
    pack = gantry.Pack.load(src) if src.endswith(".gpk") else gantry.compile_rules(paths=[src])
    out = sys.stdout
    with pack:
        for path in argv[2:]:
            opener = gzip.open if path.endswith(".gz") else open
            with gantry.Session(pack, source=path) as s, opener(path, "rb") as f:
                for m in s.scan(f):
                    if m.kind == "rule":
                        out.write("%s\t%d\t%s\n" % (m.source, m.line, m.rule.id))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
