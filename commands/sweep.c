/* Sweep files: parsing, point numbering and per-point statistics. */
#include "asgsim/sweep.h"

#include "asgsim/bind.h"
#include "asgsim/sha256.h"
#include "asgsim/util.h"
#include "asgsim/yamltree.h"

#include <gsl/gsl_statistics_double.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

static const char *const top_keys[] = { "Scenario", "Axes", "Replications", "Seed" };
static const char *const axis_keys[] = { "Name", "Parameter", "Path", "Values", "Range" };
static const char *const range_keys[] = { "From", "To", "Step" };

static char *resolve_scenario(const char *sweep_file, const char *scenario)
{
    const char *slash = strrchr(sweep_file, '/');
    if (scenario[0] == '/' || !slash)
        return xstrdup(scenario);
    return xasprintf("%.*s/%s", (int)(slash - sweep_file), sweep_file, scenario);
}

static void add_value(struct sweep_axis *a, size_t *alloc, const char *text)
{
    ALLOC_GROW(a->values, a->nr_values + 1, *alloc);
    a->values[a->nr_values++] = xstrdup(text);
    size_t len = strlen(text);
    if (len > a->max_len)
        a->max_len = len;
}

static int parse_range(struct bind *b, const struct ynode *range, struct sweep_axis *a,
                       size_t *alloc)
{
    static const struct bind_keys keys = { BIND_LIST(range_keys), NULL, 0, NULL, 0 };
    double from = 0, to = 0, step = 0;
    int ret = bind_check_keys(b, range, &keys);
    if (ret < 0)
        return ret;
    int rf = bind_double(b, range, "From", -1e300, 1e300, &from);
    int rt = bind_double(b, range, "To", -1e300, 1e300, &to);
    int rs = bind_double(b, range, "Step", -1e300, 1e300, &step);
    if (rf < 0 || rt < 0 || rs < 0)
        return ASG_EINVAL;
    if (!rf || !rt || !rs)
        return bind_missing(b, &range->loc, !rf ? "From" : !rt ? "To" : "Step");
    const struct ynode *step_node = ynode_get(range, "Step");
    if (step <= 0)
        return diag_error(b->d, &step_node->loc, "Step must be greater than 0, got %g", step);
    if (to < from)
        return diag_error(b->d, &ynode_get(range, "To")->loc,
                          "To (%g) must not be less than From (%g)", to, from);
    /* The tolerance keeps To itself in the range when (To - From) / Step is whole in
       decimal but not quite in binary (0.1 steps). */
    double count = floor((to - from) / step + 1e-9) + 1;
    if (count > SWEEP_MAX_VALUES)
        return diag_error_status(b->d, ASG_ELIMIT, &range->loc,
                                 "the range has %.0f values, more than the limit of %d", count,
                                 SWEEP_MAX_VALUES);
    for (size_t i = 0; i < (size_t)count; i++) {
        char buf[40];
        snprintf(buf, sizeof(buf), "%.15g", from + (double)i * step);
        add_value(a, alloc, buf);
    }
    a->numeric = true;
    return 0;
}

static int parse_axis(struct bind *b, const struct ynode *n, struct sweep_axis *a)
{
    static const struct bind_keys keys = { BIND_LIST(axis_keys), NULL, 0, NULL, 0 };
    size_t alloc = 0;
    a->loc = n->loc;
    int ret = bind_check_keys(b, n, &keys);
    if (ret < 0)
        return ret;
    const char *name = NULL, *param = NULL, *path = NULL;
    if (bind_string(b, n, "Name", &name) < 0 || bind_string(b, n, "Parameter", &param) < 0 ||
        bind_string(b, n, "Path", &path) < 0)
        return ASG_EINVAL;
    if (!param == !path)
        return diag_error(b->d, &n->loc, "an axis needs exactly one of 'Parameter' or 'Path'");
    a->target = param ? SWEEP_PARAMETER : SWEEP_PATH;
    a->key = xstrdup(param ? param : path);
    if (!name) {
        const char *dot = strrchr(a->key, '.');
        name = dot ? dot + 1 : a->key;
    }
    a->name = xstrdup(name);
    if (!strcmp(a->name, "point") || !*a->name)
        return diag_error(b->d, &n->loc, "axis name '%s' is reserved", a->name);

    const struct ynode *values = ynode_get(n, "Values"), *range = ynode_get(n, "Range");
    if (!values == !range)
        return diag_error(b->d, &n->loc, "an axis needs exactly one of 'Values' or 'Range'");
    if (range)
        return parse_range(b, range, a, &alloc);

    const struct ynode **items = NULL;
    size_t nr = 0;
    if ((ret = bind_scalar_list(b, n, "Values", &items, &nr)) < 0)
        return ret;
    if (nr == 0) {
        free(items);
        return diag_error(b->d, &values->loc, "'Values' must list at least one value");
    }
    if (nr > SWEEP_MAX_VALUES) {
        free(items);
        return diag_error_status(b->d, ASG_ELIMIT, &values->loc,
                                 "%zu values, more than the limit of %d", nr, SWEEP_MAX_VALUES);
    }
    a->numeric = true;
    for (size_t i = 0; i < nr; i++) {
        double v;
        add_value(a, &alloc, items[i]->scalar);
        if (!bind_parse_double(items[i]->scalar, &v))
            a->numeric = false;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(items[j]->scalar, items[i]->scalar)) {
                ret = diag_error(b->d, &items[i]->loc, "value '%s' is listed twice",
                                 items[i]->scalar);
                break;
            }
    }
    free(items);
    return ret;
}

static int parse_root(struct sweep_spec *s, struct bind *b, const struct ynode *root,
                      const char *file)
{
    static const struct bind_keys keys = { BIND_LIST(top_keys), NULL, 0, NULL, 0 };
    struct src_loc top = { file, 1, 1 };
    int ret = 0;
    if (!root)
        return diag_error(b->d, &top, "the sweep file is empty");
    if ((ret = bind_check_keys(b, root, &keys)) < 0)
        return ret;

    const char *scenario = NULL;
    int rc = bind_string(b, root, "Scenario", &scenario);
    if (rc == 0)
        ret = bind_missing(b, &root->loc, "Scenario");
    else if (rc < 0)
        ret = rc;
    else {
        s->scenario_path = resolve_scenario(file, scenario);
        s->scenario_loc = ynode_get(root, "Scenario")->loc;
    }

    int64_t reps = 1;
    if ((rc = bind_int(b, root, "Replications", 1, SWEEP_MAX_REPLICATIONS, &reps)) < 0)
        ret = rc;
    s->replications = (uint32_t)reps;
    int64_t seed = 0;
    if ((rc = bind_int(b, root, "Seed", 0, INT64_MAX, &seed)) < 0)
        ret = rc;
    else if (rc > 0) {
        s->has_seed = true;
        s->seed = (uint64_t)seed;
    }

    const struct ynode *axes = ynode_get(root, "Axes");
    s->nr_points = 1;
    if (axes && !ynode_is_null(axes)) {
        if (axes->kind != YNODE_SEQ)
            return diag_error(b->d, &axes->loc, "'Axes' must be a list of axes, not a %s",
                              ynode_kind_name(axes->kind));
        s->axes = xcalloc(axes->nr ? axes->nr : 1, sizeof(*s->axes));
        s->nr_axes = axes->nr;
        for (size_t i = 0; i < axes->nr; i++) {
            if ((rc = parse_axis(b, axes->items[i], &s->axes[i])) < 0) {
                ret = rc;
                continue;
            }
            for (size_t j = 0; j < i; j++)
                if (s->axes[j].name && !strcmp(s->axes[j].name, s->axes[i].name))
                    ret = diag_error(b->d, &axes->items[i]->loc,
                                     "two axes are named '%s'; give one a different Name",
                                     s->axes[i].name);
            if (s->nr_points <= SWEEP_MAX_RUNS)
                s->nr_points *= s->axes[i].nr_values;
        }
    }
    if (ret == 0 && s->nr_points * s->replications > SWEEP_MAX_RUNS)
        ret = diag_error_status(b->d, ASG_ELIMIT, axes ? &axes->loc : &top,
                                "the sweep has %" PRIu64 " points x %" PRIu32
                                " replications, more than the limit of %d runs",
                                s->nr_points, s->replications, SWEEP_MAX_RUNS);
    return ret;
}

int sweep_spec_parse(struct sweep_spec *out, const char *file, const void *bytes, size_t len,
                     struct diag_list *d)
{
    struct sweep_spec *s = xcalloc(1, sizeof(*s));
    struct ydoc *doc = NULL;
    memset(out, 0, sizeof(*out));
    s->path = xstrdup(file);
    int ret = ydoc_parse(&doc, s->path, bytes, len, d);
    if (ret < 0)
        goto out;
    struct bind b = { NULL, d, "the sweep file" };
    ret = parse_root(s, &b, ydoc_root(doc), s->path);
    if (ret == 0 && diag_has_errors(d))
        ret = ASG_EINVAL;
    if (ret < 0)
        goto out;
    for (size_t i = 0; i < s->nr_axes; i++)
        s->axes[i].loc.file = s->path; /* the document's copy goes away below */
    s->scenario_loc.file = s->path;
    s->bytes = xmalloc(len ? len : 1);
    memcpy(s->bytes, bytes, len);
    s->len = len;
    sha256_hex(s->bytes, s->len, s->sha256);
    *out = *s;
    memset(s, 0, sizeof(*s));
out:
    ydoc_free(doc);
    sweep_spec_release(s);
    free(s);
    return ret;
}

int sweep_spec_load(struct sweep_spec *out, const char *path, struct diag_list *d)
{
    struct ydoc *doc = NULL;
    int ret = ydoc_load(&doc, path, d);
    if (ret < 0) {
        memset(out, 0, sizeof(*out));
        return ret;
    }
    size_t len;
    const unsigned char *bytes = ydoc_bytes(doc, &len);
    ret = sweep_spec_parse(out, path, bytes, len, d);
    ydoc_free(doc);
    return ret;
}

void sweep_spec_release(struct sweep_spec *s)
{
    for (size_t i = 0; i < s->nr_axes; i++) {
        struct sweep_axis *a = &s->axes[i];
        for (size_t j = 0; j < a->nr_values; j++)
            free(a->values[j]);
        free(a->values);
        free(a->name);
        free(a->key);
    }
    free(s->axes);
    free(s->path);
    free(s->bytes);
    free(s->scenario_path);
    memset(s, 0, sizeof(*s));
}

size_t sweep_value_index(const struct sweep_spec *s, uint64_t point, size_t axis)
{
    ASG_ASSERT(axis < s->nr_axes && point < s->nr_points);
    uint64_t stride = 1;
    for (size_t i = axis + 1; i < s->nr_axes; i++)
        stride *= s->axes[i].nr_values;
    return (size_t)((point / stride) % s->axes[axis].nr_values);
}

const char *sweep_value(const struct sweep_spec *s, uint64_t point, size_t axis)
{
    return s->axes[axis].values[sweep_value_index(s, point, axis)];
}

bool sweep_parse_shard(const char *text, uint32_t *index, uint32_t *count)
{
    const char *slash = strchr(text, '/');
    if (!slash || slash == text)
        return false;
    char *head = xstrndup(text, (size_t)(slash - text));
    int64_t i, n;
    bool ok = bind_parse_int(head, &i) && bind_parse_int(slash + 1, &n) && n >= 1 &&
              n <= UINT32_MAX && i >= 0 && i < n;
    free(head);
    if (ok) {
        *index = (uint32_t)i;
        *count = (uint32_t)n;
    }
    return ok;
}

bool sweep_point_in_shard(uint64_t point, uint32_t index, uint32_t count)
{
    return point % count == index;
}

/* Resamples of the percentile bootstrap: enough for the 2.5 and 97.5 percentiles to move
   by well under the interval's width from one seed to another. */
enum { BOOT_RESAMPLES = 2000 };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void sweep_stats_compute(const double *x, size_t n, struct sweep_stats *out)
{
    ASG_ASSERT(n >= 1);
    out->mean = gsl_stats_mean(x, 1, n);
    if (n < 2) {
        out->sd = out->ci_low = out->ci_high = (double)NAN;
        return;
    }
    out->sd = gsl_stats_sd_m(x, 1, n, out->mean);
    if (!(out->sd > 0)) {
        /* All equal (or NaN among them): nothing to resample. */
        out->ci_low = out->ci_high = out->mean;
        return;
    }
    /* Percentile bootstrap of the mean (Efron & Tibshirani 1993, ch. 13): every bound is a
       mean of values that occurred, so it stays in [min, max] - a p99 bimodal across
       replications no longer gets a negative lower bound, as the Student t interval gave.
       A fixed seed makes the interval a function of the data alone. */
    double *means = xcalloc(BOOT_RESAMPLES, sizeof(*means));
    uint64_t state = UINT64_C(0x9E3779B97F4A7C15);
    for (size_t b = 0; b < BOOT_RESAMPLES; b++) {
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            /* splitmix64 (Steele et al. 2014): small, fast, good enough to pick indexes */
            uint64_t z = (state += UINT64_C(0x9E3779B97F4A7C15));
            z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
            z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
            z ^= z >> 31;
            sum += x[(size_t)((double)(z >> 11) * 0x1.0p-53 * (double)n)];
        }
        means[b] = sum / (double)n;
    }
    qsort(means, BOOT_RESAMPLES, sizeof(*means), cmp_double);
    out->ci_low = gsl_stats_quantile_from_sorted_data(means, 1, BOOT_RESAMPLES, 0.025);
    out->ci_high = gsl_stats_quantile_from_sorted_data(means, 1, BOOT_RESAMPLES, 0.975);
    /* A mean of six 0.1s is 0.09999999999999999 in doubles: keep rounding inside the range. */
    double lo, hi;
    gsl_stats_minmax(&lo, &hi, x, 1, n);
    out->ci_low = fmin(fmax(out->ci_low, lo), hi);
    out->ci_high = fmin(fmax(out->ci_high, lo), hi);
    free(means);
}
