/*
 * cfn.h - CloudFormation template layer over the YAML tree.
 *
 * cfn_open() checks the template's shape (top-level sections, Parameters, Resources with
 * a Type each) and settles every parameter's value: a `--parameter Name=Value` override,
 * else its Default, else unset (an error only if a Ref needs it). Values are checked
 * against the parameter's Type, AllowedValues, MinValue/MaxValue, MinLength/MaxLength and
 * AllowedPattern where given. It then evaluates the Condition of every resource and
 * output: a resource under a false condition does not exist, and a Ref, Fn::GetAtt,
 * Fn::Sub or DependsOn naming it from a resource or output that does is an error, unless
 * it sits in an Fn::If branch not taken.
 *
 * Intrinsics are resolved lazily, only where a property the simulator uses is read:
 * cfn_resolve() turns one node into a plain value. Short forms (!Ref X, !GetAtt A.B,
 * !Sub s) and long forms ({Ref: X}, {"Fn::GetAtt": [A, B]}, {"Fn::Sub": s}) are equivalent.
 * Resolved nodes keep the location of the intrinsic that produced them.
 */
#ifndef ASGSIM_CFN_H
#define ASGSIM_CFN_H

#include "asgsim/diag.h"
#include "asgsim/yamltree.h"

#include <stdbool.h>
#include <stddef.h>

/** A `--parameter Name=Value` given on the command line (strings borrowed). */
struct cfn_override {
    const char *name;
    const char *value;
};

struct cfn_options {
    const struct cfn_override *overrides;
    size_t nr_overrides;
    const char *stack_name; /* AWS::StackName; NULL: "asgsim" */
    const char *region;     /* AWS::Region; NULL: "us-east-1" */
    /* Fn::GetAZs: the AZ names of `region` (static), *nr set; NULL for an unknown Region.
       The models own the Region table; NULL here leaves Fn::GetAZs unresolvable. */
    const char *const *(*get_azs)(const char *region, size_t *nr);
    /*
     * Other stacks' exports for Fn::ImportValue: a MAP of export name -> string value
     * (borrowed; the caller checks its shape). NULL: none. Read only when an import is
     * resolved, so it may be set in the template's `opt` after cfn_open().
     */
    const struct ynode *exports;
};

struct cfn_param {
    char *name;
    char *type;         /* "String", "Number", "CommaDelimitedList", "List<Number>", ... */
    char *value;        /* settled value as text; NULL when neither override nor Default */
    bool overridden;    /* value came from --parameter */
    bool is_list;       /* CommaDelimitedList or List<...>: Ref gives a sequence */
    struct src_loc loc; /* the parameter's declaration */
};

struct cfn_resource {
    const char *logical_id;   /* borrowed from the document */
    const char *type;         /* "AWS::AutoScaling::AutoScalingGroup" */
    const struct ynode *node; /* the resource's mapping */
    /* its Properties MAP, or NULL when absent, as CloudFormation passes it on: a key or
       list item whose value is AWS::NoValue (itself, or as the branch an Fn::If takes) is
       left out, and such an Fn::If is its branch; node has them as written */
    const struct ynode *properties;
    struct src_loc loc;    /* location of the logical id key */
    const char *condition; /* its Condition attribute (borrowed), or NULL */
};

struct cfn_template {
    struct ydoc *doc; /* borrowed; must outlive the template */
    struct cfn_options opt;
    struct cfn_param *params;
    size_t nr_params;
    /* The resources CloudFormation would create, in file order: one whose Condition is
     * false is left out, so every iterator skips it (cfn_find_resource() too). */
    struct cfn_resource *resources;
    size_t nr_resources;
    const struct ynode *metadata; /* top-level Metadata MAP, or NULL */
};

/**
 * Check the template and settle parameters. `doc` and the strings in `opt` are borrowed
 * and must outlive the template. An override naming no declared parameter is an error.
 * \return 0 with *out set, or ASG_EINVAL / ASG_EFORMAT with diagnostics in `d`.
 */
int cfn_open(struct cfn_template **out, struct ydoc *doc, const struct cfn_options *opt,
             struct diag_list *d);

/** Free the template (not the document). NULL is a no-op. */
void cfn_close(struct cfn_template *t);

/** The resource with this logical id, or NULL. */
const struct cfn_resource *cfn_find_resource(const struct cfn_template *t, const char *logical_id);

/** The parameter with this name, or NULL. */
const struct cfn_param *cfn_find_param(const struct cfn_template *t, const char *name);

/**
 * Resolve the intrinsic at `node`, repeatedly, until the result is not an intrinsic.
 * Does not descend into the children of a plain mapping or sequence.
 *  - Ref to a parameter: its value (a SEQ of scalars for list types).
 *  - Ref to a resource: a scalar with `resource_ref` set whose text is the logical id.
 *  - Ref to a pseudo parameter: AWS::StackName, AWS::Region, AWS::AccountId
 *    ("123456789012"), AWS::Partition ("aws"), AWS::URLSuffix ("amazonaws.com"),
 *    AWS::NoValue (see cfn_is_no_value()).
 *  - Fn::GetAtt: LaunchTemplate LatestVersionNumber / DefaultVersionNumber -> "1",
 *    LaunchTemplateId -> resource ref; other documented attributes -> resource ref.
 *  - Fn::Sub: ${Param}, ${Resource}, ${Resource.Attr}, ${AWS::...}, ${!Literal}, and the
 *    [string, {Var: value}] form.
 *  - Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, Fn::If (with Conditions) where
 *    their inputs resolve to literals.
 *  - Fn::ImportValue: the value of the named export in `opt.exports` (a string); a missing
 *    export is an error naming it.
 * Anything else (Fn::GetAZs, Fn::Cidr, ...) is an error naming the function.
 * \return the resolved node (owned by the document), or NULL with an error in `d`.
 */
const struct ynode *cfn_resolve(struct cfn_template *t, const struct ynode *node,
                                struct diag_list *d);

/** true when a resolved node is AWS::NoValue: the property is to be treated as absent. */
bool cfn_is_no_value(const struct ynode *resolved);

/** true when `node` is an intrinsic function call (short or long form). */
bool cfn_is_intrinsic(const struct ynode *node);

#endif /* ASGSIM_CFN_H */
