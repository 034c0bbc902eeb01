#!/usr/bin/env bash
# Layers point downward only (design.md, "Architecture"; issue 16): commands -> models -> sim.
# - Nothing in sim/ includes a model header, directly or through another header it includes.
# - Nothing in models/ includes a header of the commands (commands/*.h), directly or not.
# Headers are followed through "asgsim/X.h" (include/asgsim/) and "X.h" beside the includer.
. "$(dirname "$0")/lib.sh"
cd "$SRCDIR" || exit 1

# The headers of include/asgsim/ that belong to the AWS models (issue 16, item 5).
MODEL_RE='^asgsim/(asg|billing|catalog|cloudwatch|ec2[a-z0-9_]*|group_config|health|lifecycle|market[a-z0-9_]*|placement|policy|run|scenario|schedule|serve|termination|warm_pool|workload|sweep|[a-z0-9_]+_config)\.h$'

is_model_header() { [[ $1 =~ $MODEL_RE ]]; }

# Quoted includes of one file, one per line, as written.
includes_of() {
    sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/p' "$1"
}

# resolve NAME DIR: the file an include names, printed relative to SRCDIR (nothing if none).
resolve() {
    if [[ $1 == asgsim/* && -f include/$1 ]]; then
        echo "include/$1"
    elif [ -f "$2/$1" ]; then
        realpath --relative-to=. "$2/$1"
    fi
}

# walk FILE...: print "includer<TAB>include-as-written<TAB>resolved" for every include
# reached from FILE, following headers transitively (each header once).
walk() {
    local -A seen=()
    local queue=("$@") f inc r
    while [ ${#queue[@]} -gt 0 ]; do
        f=${queue[0]}
        queue=("${queue[@]:1}")
        [ -n "${seen[$f]:-}" ] && continue
        seen[$f]=1
        while IFS= read -r inc; do
            r=$(resolve "$inc" "$(dirname "$f")")
            printf '%s\t%s\t%s\n' "$f" "$inc" "$r"
            [ -n "$r" ] && queue+=("$r")
        done < <(includes_of "$f")
    done
}

# A header of the commands layer: anything under commands/.
is_commands_header() { [[ $1 == commands/* ]]; }

sim_bad=$(walk sim/*.c sim/*.h | while IFS=$'\t' read -r from inc r; do
    if [[ $r == include/* ]] && is_model_header "${r#include/}"; then
        echo "  $from includes $inc (a model header)"
    elif [[ $r == models/* || $r == commands/* || $inc == *models/* || $inc == *commands/* ]]; then
        echo "  $from includes $inc (a header above sim/)"
    fi
done | sort -u)
if [ -n "$sim_bad" ]; then echo "sim/ reaches model or command headers:"; echo "$sim_bad"; fi
check "sim/ includes no model header" test -z "$sim_bad"

models_bad=$(walk models/*.c $(ls models/*.h 2>/dev/null) | while IFS=$'\t' read -r from inc r; do
    if is_commands_header "$r" || [[ $inc == *commands/* || $inc == cli.h ]]; then
        echo "  $from includes $inc (a commands header)"
    fi
done | sort -u)
if [ -n "$models_bad" ]; then echo "models/ reaches commands headers:"; echo "$models_bad"; fi
check "models/ includes no commands header" test -z "$models_bad"

# The check itself: it must see the model headers the models do include, and the engine's.
check "the check recognises a model header" is_model_header asgsim/asg.h
check "the check recognises a config header" is_model_header asgsim/market_config.h
check "the check does not flag an engine header" bash -c '! [[ asgsim/sim.h =~ $0 ]]' "$MODEL_RE"
check "the walk follows headers (group_bind.h reaches cfn.h)" \
    bash -c 'grep -q "^include/asgsim/group_bind.h	asgsim/cfn.h	" <<<"$0"' "$(walk models/scenario_resources.c)"
finish
