/*
 * Reading a sweep output back for `asgsim merge`. This is the one other file (besides
 * sim/h5out.c) that includes <hdf5.h>: writing goes through the trace sink, but the sink
 * interface has no reading side, and a generic reader (sim/h5in.c) was not there yet.
 */
#include "asgsim/sweep.h"
#include "asgsim/util.h"

#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asgsim/banned.h"

struct reader {
    hid_t file;
    const char *path;
    struct diag_list *d;
    int status;
};

static int fail(struct reader *r, int status, const char *what)
{
    if (!r->status)
        r->status = diag_error_status(r->d, status, NULL, "cannot read '%s': %s", r->path, what);
    return r->status;
}

static hid_t vlen_str(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

static char *read_text(struct reader *r, const char *name, size_t *len)
{
    hid_t ds = H5Dopen2(r->file, name, H5P_DEFAULT);
    if (ds < 0) {
        fail(r, ASG_EFORMAT, "not a sweep output (no /provenance/sweep or /provenance/scenario)");
        return NULL;
    }
    hid_t t = vlen_str(), space = H5Dget_space(ds);
    char *buf = NULL, *out = NULL;
    if (H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &buf) >= 0 && buf) {
        *len = strlen(buf);
        out = xstrndup(buf, *len);
        H5Dvlen_reclaim(t, space, H5P_DEFAULT, &buf);
    } else {
        fail(r, ASG_EIO, "reading a provenance text failed");
    }
    H5Sclose(space);
    H5Tclose(t);
    H5Dclose(ds);
    return out;
}

static char *read_attr_str(struct reader *r, const char *obj, const char *name)
{
    hid_t a = H5Aopen_by_name(r->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) {
        fail(r, ASG_EFORMAT, "not a sweep output (a provenance attribute is missing)");
        return NULL;
    }
    hid_t t = vlen_str(), space = H5Aget_space(a);
    char *buf = NULL, *out = NULL;
    if (H5Aread(a, t, &buf) >= 0 && buf) {
        out = xstrdup(buf);
        H5Dvlen_reclaim(t, space, H5P_DEFAULT, &buf);
    } else {
        fail(r, ASG_EIO, "reading an attribute failed");
    }
    H5Sclose(space);
    H5Tclose(t);
    H5Aclose(a);
    return out;
}

static int64_t read_attr_i64(struct reader *r, const char *obj, const char *name)
{
    int64_t v = 0;
    hid_t a = H5Aopen_by_name(r->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) {
        fail(r, ASG_EFORMAT, "not a sweep output (a /sweep attribute is missing)");
        return 0;
    }
    if (H5Aread(a, H5T_NATIVE_INT64, &v) < 0)
        fail(r, ASG_EIO, "reading an attribute failed");
    H5Aclose(a);
    return v;
}

static void read_results(struct reader *r, struct sweep_file *f)
{
    hid_t ds = H5Dopen2(r->file, "/sweep/results", H5P_DEFAULT);
    if (ds < 0) {
        fail(r, ASG_EFORMAT, "not a sweep output (no /sweep/results)");
        return;
    }
    /* Fields are matched by name, so the file's field order does not matter. */
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(struct sweep_result));
    H5Tinsert(t, "point", HOFFSET(struct sweep_result, point), H5T_NATIVE_UINT32);
    H5Tinsert(t, "replication", HOFFSET(struct sweep_result, replication), H5T_NATIVE_UINT32);
    H5Tinsert(t, "cost", HOFFSET(struct sweep_result, cost_usd), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "instance_hours", HOFFSET(struct sweep_result, instance_hours), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "instances_launched", HOFFSET(struct sweep_result, instances_launched),
              H5T_NATIVE_INT64);
    H5Tinsert(t, "mean_in_service", HOFFSET(struct sweep_result, mean_in_service),
              H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "mean_cpu_utilization", HOFFSET(struct sweep_result, mean_cpu_utilization_pct),
              H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "activities", HOFFSET(struct sweep_result, activities), H5T_NATIVE_INT64);
    H5Tinsert(t, "events", HOFFSET(struct sweep_result, events), H5T_NATIVE_INT64);
    hid_t space = H5Dget_space(ds);
    hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0) {
        fail(r, ASG_EIO, "reading /sweep/results failed");
    } else {
        f->results = xcalloc(n ? (size_t)n : 1, sizeof(*f->results));
        f->nr_results = (size_t)n;
        if (n > 0 && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, f->results) < 0)
            fail(r, ASG_EFORMAT, "/sweep/results lacks a column asgsim writes");
    }
    H5Sclose(space);
    H5Tclose(t);
    H5Dclose(ds);
}

int sweep_file_read(struct sweep_file *out, const char *path, struct diag_list *d)
{
    struct sweep_file f = { 0 };
    struct reader r = { -1, path, d, 0 };
    memset(out, 0, sizeof(*out));
    if (access(path, F_OK) < 0)
        return diag_error_status(d, ASG_ENOENT, NULL, "cannot open '%s': no such file", path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    r.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r.file < 0)
        return diag_error_status(d, ASG_EFORMAT, NULL, "cannot read '%s': not an HDF5 file", path);
    f.sweep_text = read_text(&r, "/provenance/sweep", &f.sweep_len);
    if (!r.status)
        f.scenario_text = read_text(&r, "/provenance/scenario", &f.scenario_len);
    if (!r.status)
        f.sweep_path = read_attr_str(&r, "/provenance", "sweep_path");
    if (!r.status)
        f.scenario_path = read_attr_str(&r, "/provenance", "scenario_path");
    if (!r.status)
        f.base_seed = read_attr_i64(&r, "/provenance", "base_seed");
    if (!r.status)
        f.shard_index = read_attr_i64(&r, "/sweep", "shard_index");
    if (!r.status)
        f.shard_count = read_attr_i64(&r, "/sweep", "shard_count");
    if (!r.status)
        read_results(&r, &f);
    H5Fclose(r.file);
    if (r.status) {
        sweep_file_release(&f);
        return r.status;
    }
    *out = f;
    return 0;
}

void sweep_file_release(struct sweep_file *f)
{
    free(f->sweep_path);
    free(f->sweep_text);
    free(f->scenario_path);
    free(f->scenario_text);
    free(f->results);
    memset(f, 0, sizeof(*f));
}
