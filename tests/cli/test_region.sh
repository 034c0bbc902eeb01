#!/usr/bin/env bash
# --region and the scenario's Region: AWS::Region and Fn::GetAZs follow the Region (the
# command line wins over the settings; default us-east-1). AWS: pseudo-parameter-reference
# (AWS::Region is the stack's Region), intrinsic-function-reference-getavailabilityzones
# ('' means the stack's Region). Prices follow the Region where the catalog has them
# (data/instance-catalog/README.md); elsewhere they stay us-east-1's and one warning says so.
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/tests/data/region.yaml

# azs_are RUN.h5 AZ...: the run's instances are in exactly these AZs
azs_are() {
    local h5=$1; shift
    rm -rf "$WORK/tsv"
    "$ASGSIM" export "$h5" -o "$WORK/tsv" >/dev/null 2>&1 || return 1
    local got want
    got=$(awk -F'\t' '/^#/ {next} !h {for (i = 1; i <= NF; i++) if ($i == "az") c = i; h = 1; next}
                      {print $c}' "$WORK/tsv/instances.tsv" | sort -u | tr '\n' ' ')
    want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
    [ "$got" = "$want" ] || { echo "  AZs: got '$got', want '$want'"; return 1; }
}

price_warnings() { grep -c "prices are us-east-1's" "$WORK/err"; }

check "default region runs" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/east.h5"
check "default: us-east-1's six AZs" azs_are "$WORK/east.h5" us-east-1a us-east-1b us-east-1c \
    us-east-1d us-east-1e us-east-1f
check "default: no price warning" test "$(price_warnings)" = 0
check "default: AWS::Region is us-east-1" grep -qE "^instances_launched +6 instances$" "$WORK/out"

check "--region us-west-1 runs" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/west.h5" --region us-west-1
check "--region: one price warning" test "$(price_warnings)" = 1
check "--region: us-west-1's AZs" azs_are "$WORK/west.h5" us-west-1a us-west-1c
# the template sizes the group 4 when AWS::Region is us-west-1, else 6
check "AWS::Region is us-west-1" grep -qE "^instances_launched +4 instances$" "$WORK/out"

sed 's/^    Seed: 7$/    Seed: 7\n    Region: ap-northeast-1/' "$S" >"$WORK/tokyo.yaml"
check "Region setting runs" expect_exit 0 "$ASGSIM" run "$WORK/tokyo.yaml" -o "$WORK/tokyo.h5" -q
check "Region setting: Tokyo's AZs" azs_are "$WORK/tokyo.h5" ap-northeast-1a ap-northeast-1c \
    ap-northeast-1d
check "--region wins over the setting" expect_exit 0 "$ASGSIM" run "$WORK/tokyo.yaml" \
    -o "$WORK/both.h5" -q --region eu-west-1
check "--region wins: Ireland's AZs" azs_are "$WORK/both.h5" eu-west-1a eu-west-1b eu-west-1c

# Billing at the Region's price: six m5.large for one hour. The prices are the SkyPilot
# catalog's, as read into data/instance-catalog/regional.tsv (m5.large, source [R1]).
sed 's/InstanceType: c6i.large/InstanceType: m5.large/' "$S" >"$WORK/m5.yaml"
for rp in us-east-1:0.096 us-west-2:0.096 eu-west-1:0.107 eu-central-1:0.115 \
    ap-southeast-1:0.12; do
    r=${rp%%:*} p=${rp#*:}
    want=$(awk -v p="$p" 'BEGIN { printf "%.6f", 6 * p }')
    check "$r runs" expect_exit 0 "$ASGSIM" run "$WORK/m5.yaml" -o "$WORK/$r.h5" --region "$r"
    check "$r bills m5.large at \$$p/h" grep -qE "^cost_total_usd +$want USD$" "$WORK/out"
    check "$r: no price warning" test "$(price_warnings)" = 0
done
# Types whose regional prices were added for issue 17 item 10, six for one hour in eu-west-1:
# r5a.large as [R1] lists it (regional.tsv), r5a.2xlarge derived from it (0.127 x 0.452 /
# 0.113, [R1] lists the same 0.508), g4dn.2xlarge from its own [R1] row.
for tp in r5a.large:0.127 r5a.2xlarge:0.508 g4dn.2xlarge:0.838; do
    ty=${tp%%:*} p=${tp#*:}
    sed "s/InstanceType: c6i.large/InstanceType: $ty/" "$S" >"$WORK/$ty.yaml"
    want=$(awk -v p="$p" 'BEGIN { printf "%.6f", 6 * p }')
    check "$ty runs in eu-west-1" expect_exit 0 "$ASGSIM" run "$WORK/$ty.yaml" \
        -o "$WORK/$ty.h5" --region eu-west-1
    check "eu-west-1 bills $ty at \$$p/h" grep -qE "^cost_total_usd +$want USD$" "$WORK/out"
    check "$ty: no price warning" test "$(price_warnings)" = 0
done
# [R1] lists no ap-southeast-1 row of r7a (data/instance-catalog/regional.tsv has "-")
sed 's/InstanceType: c6i.large/InstanceType: r7a.large/' "$S" >"$WORK/r7a.yaml"
check "r7a.large is refused in ap-southeast-1" expect_exit 65 "$ASGSIM" run "$WORK/r7a.yaml" \
    -o "$WORK/r7a.h5" --region ap-southeast-1
check "the refusal names the Region" grep -qF \
    "instance type 'r7a.large' has no On-Demand price for ap-southeast-1" "$WORK/err"
check "the refusal leaves no output" test ! -e "$WORK/r7a.h5"
check "r7a.large runs in us-east-1" expect_exit 0 "$ASGSIM" run "$WORK/r7a.yaml" -o "$WORK/r7a.h5"

check "validate takes --region" expect_exit 0 "$ASGSIM" validate "$S" -q --region us-east-2
check "sweep --help documents --region" expect_exit 0 "$ASGSIM" sweep --help
check "sweep --help names --region" grep -q -- "--region" "$WORK/out"
# Prices follow the Region (the checks above): the help must not say otherwise.
for cmd in run sweep; do
    "$ASGSIM" $cmd --help >"$WORK/help.txt"
    check "$cmd --help: prices follow --region" grep -q "Region's prices" "$WORK/help.txt"
    check "$cmd --help: no 'prices stay us-east-1's'" bash -c "! grep -q 'prices stay' '$WORK/help.txt'"
done
cat >"$WORK/sw.yaml" <<YAML
Scenario: $S
Axes:
  - Name: Duration
    Path: Metadata.ASGSim::Scenario.Duration
    Values: [30m, 1h]
Replications: 2
YAML
check "sweep --region runs" expect_exit 0 "$ASGSIM" sweep "$WORK/sw.yaml" -o "$WORK/sw.h5" -j 1 \
    --region us-west-1
check "sweep --region: one price warning" test "$(price_warnings)" = 1
# A journal holds runs of one Region: resuming under another must not reuse them.
sed 's/Values: \[30m, 1h\]/Values: [40d]/' "$WORK/sw.yaml" >"$WORK/long.yaml"
"$ASGSIM" sweep "$WORK/long.yaml" -o "$WORK/long.h5" -j 1 -q --region us-west-1 2>/dev/null &
pid=$!
for _ in $(seq 3000); do
    [ "$(stat -c %s "$WORK/long.h5.journal" 2>/dev/null || echo 0)" -gt 64 ] && break
    sleep 0.02
done
kill -KILL "$pid"
wait "$pid" 2>/dev/null
check "journal left by the killed sweep" test -s "$WORK/long.h5.journal"
check "resume under another --region is refused" expect_exit 65 "$ASGSIM" sweep "$WORK/long.yaml" \
    -o "$WORK/long.h5" -j 1 --resume --region eu-west-1
check "refusal names --region" grep -q "belongs to another sweep.*--region" "$WORK/err"
check "sweep rejects an unknown --region" expect_exit 2 "$ASGSIM" sweep x.yaml --region eu-west-9
check "unknown --region is a usage error" expect_exit 2 "$ASGSIM" run "$S" -o "$WORK/bad.h5" \
    --region us-wset-1
check "unknown --region names the option" grep -qF \
    "asgsim: error: --region: unknown region 'us-wset-1' (did you mean 'us-west-1'?)" "$WORK/err"
check "unknown --region leaves no output" test ! -e "$WORK/bad.h5"
check "validate rejects an unknown --region" expect_exit 2 "$ASGSIM" validate "$S" --region xx
finish
