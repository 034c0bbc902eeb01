#!/usr/bin/env bash
# README.md quotes only what commands in the repository print (issue 18 item 14):
# tools/readme-check runs every command named in the README's readme-gen, readme-src and
# readme-run markers and compares. This test runs what is not marked slow
# (cli_readme_slow runs the rest), after checking on a small README of its own that the
# tool catches a stale block and a stale number, names the line, and --update fixes both.
. "$(dirname "$0")/lib.sh"
RC=$SRCDIR/tools/readme-check

cat >"$WORK/README.md" <<'MD'
# a README

<!-- readme-gen: $ASGSIM metrics | sed -n 3,4p -->
| `duration_s` | real | s | simulated time |
| stale | row |

<!-- readme-src: t: printf 'three 3\nrate 0.12345\nsum {"cost": 1234.5}\n' -->
Three is 3<!-- readme-num: t three -->, the rate 0.12<!-- readme-num: t rate .2f --> and
the cost 1,234<!-- readme-num: t cost_usd ,.0f --> (no such key).

<!-- readme-run: -->
```sh
asgsim validate scenarios/web-basic.yaml   # a comment
build/asgsim validate \
    scenarios/web-basic.yaml
```
MD
check "a stale README fails" expect_exit 1 /usr/bin/python3 "$RC" "$WORK/README.md"
check "the stale block is located" grep -q "README.md:4: the block does not match" "$WORK/out"
check "with a diff" grep -q '^+| `cost_usd` | real | USD |' "$WORK/out"
check "a missing figure is named" grep -q "README.md:9: source t has no figure cost_usd" "$WORK/out"
check "good numbers pass" bash -c "! grep -q 'README.md:8: ' '$WORK/out'"
check "two failures" grep -q "2 of 5 checks failed" "$WORK/out"
sed -i 's/the cost 1,234<!-- readme-num: t cost_usd/the cost 1,234<!-- readme-num: t three/' \
    "$WORK/README.md"
check "a stale number fails" expect_exit 1 /usr/bin/python3 "$RC" "$WORK/README.md"
check "the stale number is located" grep -q "README.md:9: '1,234' but t three is '3'" "$WORK/out"
check "--update rewrites" expect_exit 0 /usr/bin/python3 "$RC" --update "$WORK/README.md"
check "the block" grep -q '^| `cost_usd` | real | USD |' "$WORK/README.md"
check "the number" grep -q 'the cost 3<!-- readme-num: t three ,.0f -->' "$WORK/README.md"
check "then it passes" expect_exit 0 /usr/bin/python3 "$RC" --check "$WORK/README.md"
printf '<!-- readme-run: -->\n```sh\nasgsim validate no-such.yaml\n```\n' >>"$WORK/README.md"
check "a failing command fails" expect_exit 1 /usr/bin/python3 "$RC" "$WORK/README.md"
check "named with its line" grep -q "README.md:17: command exited 66: asgsim validate no-such.yaml" "$WORK/out"

check "README.md is current" expect_exit 0 /usr/bin/python3 "$RC" --check --fast
cat "$WORK/out"
# Every in-page link of README.md leads to a heading (GitHub's anchors: lower case, spaces to
# dashes, punctuation dropped), and the Contents list names every section.
check "README: links resolve, Contents complete" /usr/bin/python3 - "$SRCDIR/README.md" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
lines = s.split("\n")
slug = lambda h: re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
anchors = {slug(l.lstrip("#")) for l in lines if re.match(r"#{1,6} ", l)}
bad = sorted(set(re.findall(r"\]\(#([^)]+)\)", s)) - anchors)
assert not bad, "links to no heading: %s" % bad
toc = s[s.index("## Contents"):s.index("\n## ", s.index("## Contents") + 1)]
missing = [l[3:] for l in lines if l.startswith("## ") and l != "## Contents"
           and "(#%s)" % slug(l[3:]) not in toc]
assert not missing, "sections not in Contents: %s" % missing
PY

finish
