/*
 * h5in.c - read back traces (see asgsim/h5in.h). Tables are read one field at a time with
 * a one-member memory compound type, so HDF5 does the type conversion and the code needs
 * no knowledge of the file's struct layout.
 */
#include "asgsim/h5in.h"

#include "asgsim/util.h"

#include <errno.h>
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "asgsim/banned.h"

struct h5in_file {
    hid_t fid;
    char *path;
};

int h5in_open(const char *path, struct h5in_file **out, struct diag_list *d)
{
    struct stat st;
    *out = NULL;
    if (stat(path, &st) != 0)
        return diag_error_status(d, errno == ENOENT ? ASG_ENOENT : ASG_EIO, NULL,
                                 "cannot open '%s': %s", path, strerror(errno));
    /* The library's own error stack is noise for users; we report in our words. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0)
        return diag_error_status(d, ASG_EFORMAT, NULL, "'%s' is not an HDF5 file", path);
    hid_t fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (fid < 0)
        return diag_error_status(d, ASG_EIO, NULL, "cannot read HDF5 file '%s'", path);
    struct h5in_file *f = xcalloc(1, sizeof(*f));
    f->fid = fid;
    f->path = xstrdup(path);
    *out = f;
    return ASG_OK;
}

void h5in_close(struct h5in_file *f)
{
    if (!f)
        return;
    H5Fclose(f->fid);
    free(f->path);
    free(f);
}

const char *h5in_path(const struct h5in_file *f)
{
    return f->path;
}

/* H5Oexists_by_name fails (instead of saying no) when an intermediate link is missing,
 * so walk the path one component at a time. */
bool h5in_exists(struct h5in_file *f, const char *path)
{
    if (!strcmp(path, "/"))
        return true;
    char *p = xstrdup(path);
    bool ok = true;
    for (char *s = p + 1; ok; s++) {
        char *slash = strchr(s, '/');
        if (slash)
            *slash = '\0';
        ok = H5Lexists(f->fid, p, H5P_DEFAULT) > 0 && H5Oexists_by_name(f->fid, p, H5P_DEFAULT) > 0;
        if (!slash)
            break;
        *slash = '/';
        s = slash;
    }
    free(p);
    return ok;
}

static H5I_type_t object_type(struct h5in_file *f, const char *path)
{
    if (!h5in_exists(f, path))
        return H5I_BADID;
    hid_t o = H5Oopen(f->fid, path, H5P_DEFAULT);
    if (o < 0)
        return H5I_BADID;
    H5I_type_t t = H5Iget_type(o);
    H5Oclose(o);
    return t;
}

bool h5in_is_group(struct h5in_file *f, const char *path)
{
    return object_type(f, path) == H5I_GROUP;
}

struct list_ctx {
    char **names;
    size_t nr, alloc;
    bool groups; /* list groups, not datasets */
};

static herr_t list_one(hid_t group, const char *name, const H5L_info_t *info, void *data)
{
    struct list_ctx *c = data;
    if (info->type != H5L_TYPE_HARD)
        return 0;
    hid_t o = H5Oopen(group, name, H5P_DEFAULT);
    if (o < 0)
        return 0;
    bool wanted = H5Iget_type(o) == (c->groups ? H5I_GROUP : H5I_DATASET);
    H5Oclose(o);
    if (wanted) {
        ALLOC_GROW(c->names, c->nr + 1, c->alloc);
        c->names[c->nr++] = xstrdup(name);
    }
    return 0;
}

static int list_links(struct h5in_file *f, const char *group, bool groups, char ***names,
                      size_t *nr, struct diag_list *d)
{
    *names = NULL;
    *nr = 0;
    if (!h5in_is_group(f, group))
        return diag_error_status(d, ASG_ENOENT, NULL, "%s: no group '%s'", f->path, group);
    hid_t g = H5Gopen2(f->fid, group, H5P_DEFAULT);
    struct list_ctx c = { .groups = groups };
    hsize_t idx = 0;
    herr_t rc = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, list_one, &c);
    H5Gclose(g);
    if (rc < 0) {
        h5in_names_free(c.names, c.nr);
        return diag_error_status(d, ASG_EIO, NULL, "%s: cannot list group '%s'", f->path, group);
    }
    *names = c.names;
    *nr = c.nr;
    return ASG_OK;
}

int h5in_list_datasets(struct h5in_file *f, const char *group, char ***names, size_t *nr,
                       struct diag_list *d)
{
    return list_links(f, group, false, names, nr, d);
}

int h5in_list_groups(struct h5in_file *f, const char *group, char ***names, size_t *nr,
                     struct diag_list *d)
{
    return list_links(f, group, true, names, nr, d);
}

void h5in_names_free(char **names, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        free(names[i]);
    free(names);
}

/* Read a string attribute already opened; NULL when it is not a scalar string. */
static char *attr_string(hid_t a)
{
    hid_t ft = H5Aget_type(a);
    char *out = NULL;
    if (H5Tget_class(ft) != H5T_STRING) {
        H5Tclose(ft);
        return NULL;
    }
    if (H5Tis_variable_str(ft) > 0) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ft));
        char *s = NULL;
        if (H5Aread(a, mt, &s) >= 0 && s) {
            out = xstrdup(s);
            H5free_memory(s);
        }
        H5Tclose(mt);
    } else {
        size_t n = H5Tget_size(ft);
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, n + 1);
        H5Tset_strpad(mt, H5T_STR_NULLTERM);
        H5Tset_cset(mt, H5Tget_cset(ft));
        char *buf = xcalloc(n + 1, 1);
        if (H5Aread(a, mt, buf) >= 0)
            out = buf;
        else
            free(buf);
        H5Tclose(mt);
    }
    H5Tclose(ft);
    return out;
}

int h5in_attr_string(struct h5in_file *f, const char *path, const char *name, char **out,
                     struct diag_list *d)
{
    *out = NULL;
    if (!h5in_exists(f, path) || H5Aexists_by_name(f->fid, path, name, H5P_DEFAULT) <= 0)
        return diag_error_status(d, ASG_ENOENT, NULL, "%s: no attribute '%s' on '%s'", f->path,
                                 name, path);
    hid_t a = H5Aopen_by_name(f->fid, path, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0)
        return diag_error_status(d, ASG_EIO, NULL, "%s: cannot read attribute '%s' of '%s'",
                                 f->path, name, path);
    *out = attr_string(a);
    H5Aclose(a);
    if (!*out)
        return diag_error_status(d, ASG_EFORMAT, NULL, "%s: attribute '%s' of '%s' is not a string",
                                 f->path, name, path);
    return ASG_OK;
}

/* The `units` attribute of a dataset: a scalar string, or one string per compound field. */
static char **read_units(hid_t dset, size_t *nr)
{
    *nr = 0;
    if (H5Aexists(dset, "units") <= 0)
        return NULL;
    hid_t a = H5Aopen(dset, "units", H5P_DEFAULT);
    hid_t sp = H5Aget_space(a);
    hssize_t n = H5Sget_simple_extent_npoints(sp);
    H5Sclose(sp);
    char **out = NULL;
    hid_t ft = H5Aget_type(a);
    if (H5Tget_class(ft) == H5T_STRING && n > 0) {
        size_t count = (size_t)n;
        out = xcalloc(count, sizeof(*out));
        if (H5Tis_variable_str(ft) > 0) {
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, H5T_VARIABLE);
            H5Tset_cset(mt, H5Tget_cset(ft));
            char **raw = xcalloc(count, sizeof(*raw));
            if (H5Aread(a, mt, raw) >= 0) {
                for (size_t i = 0; i < count; i++)
                    out[i] = xstrdup(raw[i] ? raw[i] : "");
                hid_t msp = H5Aget_space(a);
                H5Dvlen_reclaim(mt, msp, H5P_DEFAULT, raw);
                H5Sclose(msp);
            }
            free(raw);
            H5Tclose(mt);
        } else {
            size_t w = H5Tget_size(ft);
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, w + 1);
            H5Tset_strpad(mt, H5T_STR_NULLTERM);
            H5Tset_cset(mt, H5Tget_cset(ft));
            char *buf = xcalloc(count, w + 1);
            if (H5Aread(a, mt, buf) >= 0)
                for (size_t i = 0; i < count; i++)
                    out[i] = xstrdup(buf + i * (w + 1));
            free(buf);
            H5Tclose(mt);
        }
        for (size_t i = 0; i < count; i++)
            if (!out[i])
                out[i] = xstrdup("");
        *nr = count;
    }
    H5Tclose(ft);
    H5Aclose(a);
    return out;
}

static void free_strings(char **s, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        free(s[i]);
    free(s);
}

/*
 * Read `nr` values of the member type `ft` into `col`. With `member` set, `dset` is a
 * compound dataset and only that member is read (HDF5 matches compound members by name).
 */
static int read_values(hid_t dset, const char *member, hid_t ft, size_t nr, struct h5in_column *col)
{
    H5T_class_t cls = H5Tget_class(ft);
    hid_t mt = -1;
    size_t elem;
    void *buf;
    col->nr = nr;
    if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
        col->kind = cls == H5T_INTEGER ? H5IN_INT : H5IN_FLOAT;
        mt = H5Tcopy(H5T_NATIVE_DOUBLE);
        elem = sizeof(double);
    } else if (cls == H5T_ENUM) {
        col->kind = H5IN_STRING;
        col->is_enum = true;
        mt = H5Tget_native_type(ft, H5T_DIR_ASCEND);
        elem = H5Tget_size(mt);
    } else if (cls == H5T_STRING) {
        col->kind = H5IN_STRING;
        mt = H5Tcopy(H5T_C_S1);
        if (H5Tis_variable_str(ft) > 0) {
            H5Tset_size(mt, H5T_VARIABLE);
            H5Tset_cset(mt, H5Tget_cset(ft));
            elem = sizeof(char *);
        } else {
            elem = H5Tget_size(ft) + 1;
            H5Tset_size(mt, elem);
            H5Tset_strpad(mt, H5T_STR_NULLTERM);
            H5Tset_cset(mt, H5Tget_cset(ft)); /* HDF5 does not convert between charsets */
        }
    } else {
        return ASG_EFORMAT;
    }
    hid_t rt = mt;
    if (member) {
        rt = H5Tcreate(H5T_COMPOUND, elem);
        H5Tinsert(rt, member, 0, mt);
    }
    buf = xcalloc(nr ? nr : 1, elem);
    int rc = ASG_OK;
    if (nr && H5Dread(dset, rt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rc = ASG_EIO;
    if (rc == ASG_OK) {
        if (col->kind != H5IN_STRING) {
            col->num = buf;
            buf = NULL;
        } else {
            col->str = xcalloc(nr ? nr : 1, sizeof(*col->str));
            for (size_t i = 0; i < nr; i++) {
                char *p = (char *)buf + i * elem;
                if (cls == H5T_ENUM) {
                    char name[128];
                    if (H5Tenum_nameof(mt, p, name, sizeof(name)) >= 0)
                        col->str[i] = xstrdup(name);
                    else
                        col->str[i] = xstrdup("?");
                } else if (elem == sizeof(char *) && H5Tis_variable_str(mt) > 0) {
                    char *s = *(char **)(void *)p;
                    col->str[i] = xstrdup(s ? s : "");
                } else {
                    col->str[i] = xstrdup(p);
                }
            }
            if (cls == H5T_STRING && H5Tis_variable_str(mt) > 0 && nr) {
                hid_t sp = H5Dget_space(dset);
                H5Dvlen_reclaim(rt, sp, H5P_DEFAULT, buf);
                H5Sclose(sp);
            }
        }
    }
    free(buf);
    if (member)
        H5Tclose(rt);
    H5Tclose(mt);
    return rc;
}

static const char *last_component(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int open_dataset(struct h5in_file *f, const char *path, hid_t *dset, size_t *nr,
                        struct diag_list *d)
{
    if (object_type(f, path) != H5I_DATASET)
        return diag_error_status(d, ASG_ENOENT, NULL, "%s: no dataset '%s'", f->path, path);
    *dset = H5Dopen2(f->fid, path, H5P_DEFAULT);
    hid_t sp = H5Dget_space(*dset);
    int ndims = H5Sget_simple_extent_ndims(sp);
    hssize_t n = H5Sget_simple_extent_npoints(sp);
    H5Sclose(sp);
    if (ndims > 1 || n < 0) {
        H5Dclose(*dset);
        return diag_error_status(d, ASG_EFORMAT, NULL, "%s: '%s' is not a 1-D dataset", f->path,
                                 path);
    }
    *nr = (size_t)n;
    return ASG_OK;
}

int h5in_read_column(struct h5in_file *f, const char *path, struct h5in_column *col,
                     struct diag_list *d)
{
    hid_t dset;
    size_t nr;
    memset(col, 0, sizeof(*col));
    int rc = open_dataset(f, path, &dset, &nr, d);
    if (rc)
        return rc;
    col->name = xstrdup(last_component(path));
    size_t nr_units;
    char **units = read_units(dset, &nr_units);
    if (nr_units == 1) {
        col->units = units[0];
        units[0] = NULL;
    }
    free_strings(units, nr_units);
    hid_t ft = H5Dget_type(dset);
    rc = read_values(dset, NULL, ft, nr, col);
    H5Tclose(ft);
    H5Dclose(dset);
    if (rc) {
        h5in_column_release(col);
        return diag_error_status(d, rc, NULL, "%s: cannot read dataset '%s'", f->path, path);
    }
    return ASG_OK;
}

int h5in_read_table(struct h5in_file *f, const char *path, struct h5in_table *t,
                    struct diag_list *d)
{
    hid_t dset;
    size_t nr;
    memset(t, 0, sizeof(*t));
    int rc = open_dataset(f, path, &dset, &nr, d);
    if (rc)
        return rc;
    hid_t ft = H5Dget_type(dset);
    if (H5Tget_class(ft) != H5T_COMPOUND) {
        H5Tclose(ft);
        H5Dclose(dset);
        return diag_error_status(d, ASG_EFORMAT, NULL, "%s: '%s' is not a table", f->path, path);
    }
    int nm = H5Tget_nmembers(ft);
    size_t nr_units;
    char **units = read_units(dset, &nr_units);
    t->nr_rows = nr;
    t->nr_cols = nm > 0 ? (size_t)nm : 0;
    t->cols = xcalloc(t->nr_cols ? t->nr_cols : 1, sizeof(*t->cols));
    for (unsigned i = 0; i < t->nr_cols && rc == ASG_OK; i++) {
        struct h5in_column *c = &t->cols[i];
        char *name = H5Tget_member_name(ft, i);
        hid_t mt = H5Tget_member_type(ft, i);
        c->name = xstrdup(name);
        if (nr_units == t->nr_cols && units[i][0])
            c->units = xstrdup(units[i]);
        rc = read_values(dset, name, mt, nr, c);
        if (rc)
            diag_error_status(d, rc, NULL, "%s: cannot read field '%s' of '%s'", f->path, name,
                              path);
        H5Tclose(mt);
        H5free_memory(name);
    }
    free_strings(units, nr_units);
    H5Tclose(ft);
    H5Dclose(dset);
    if (rc)
        h5in_table_release(t);
    return rc;
}

void h5in_column_release(struct h5in_column *col)
{
    free(col->name);
    free(col->units);
    free(col->num);
    if (col->str)
        free_strings(col->str, col->nr);
    memset(col, 0, sizeof(*col));
}

void h5in_table_release(struct h5in_table *t)
{
    for (size_t i = 0; i < t->nr_cols; i++)
        h5in_column_release(&t->cols[i]);
    free(t->cols);
    memset(t, 0, sizeof(*t));
}

const struct h5in_column *h5in_table_find(const struct h5in_table *t, const char *name)
{
    for (size_t i = 0; i < t->nr_cols; i++)
        if (!strcmp(t->cols[i].name, name))
            return &t->cols[i];
    return NULL;
}
