/*
 * h5in.h - read back what a trace sink wrote: a small, generic HDF5 reader for the
 * export, plot and report commands.
 *
 * It knows the shapes the trace layer writes (groups of 1-D or scalar numeric datasets
 * with a `units` attribute; 1-D compound tables whose `units` attribute lists one unit per
 * field) and nothing about what the data mean. Numbers of every integer and float type are
 * returned as double (integers stay exact up to 2^53); enum fields are returned as their
 * names, fixed and variable-length strings as C strings.
 *
 * Only this file's implementation and sim/h5out.c include <hdf5.h>
 * (tests/cli/test_hdf5_isolation.sh enforces it).
 *
 * Errors: actions return 0 or a negative enum asg_status and record a message in `d`.
 * The caller owns everything returned and frees it with the matching _release/_free.
 */
#ifndef ASGSIM_H5IN_H
#define ASGSIM_H5IN_H

#include "asgsim/diag.h"

#include <stdbool.h>
#include <stddef.h>

/** An open HDF5 file (read-only). */
struct h5in_file;

enum h5in_kind {
    H5IN_INT,   /* any integer type, values in `num` */
    H5IN_FLOAT, /* any float type, values in `num` (NaN kept) */
    H5IN_STRING /* fixed or variable strings, and enum names, in `str` */
};

/** One column: a 1-D (or scalar) dataset, or one field of a compound table. */
struct h5in_column {
    char *name;
    char *units; /* from the `units` attribute; NULL when there is none */
    enum h5in_kind kind;
    bool is_enum; /* H5IN_STRING that came from an enum type */
    size_t nr;
    double *num; /* H5IN_INT, H5IN_FLOAT */
    char **str;  /* H5IN_STRING */
};

/** A compound table read field by field, in the file's field order. */
struct h5in_table {
    struct h5in_column *cols;
    size_t nr_cols;
    size_t nr_rows;
};

/**
 * Open `path` read-only. \return ASG_ENOENT when the file does not exist, ASG_EFORMAT when
 * it is not an HDF5 file, ASG_EIO when it cannot be read.
 */
int h5in_open(const char *path, struct h5in_file **out, struct diag_list *d);

/** Close the file (NULL is fine). */
void h5in_close(struct h5in_file *f);

/** The path the file was opened with (borrowed). */
const char *h5in_path(const struct h5in_file *f);

/** true when an object (group or dataset) exists at the absolute `path`. */
bool h5in_exists(struct h5in_file *f, const char *path);

/** true when `path` is a group. */
bool h5in_is_group(struct h5in_file *f, const char *path);

/**
 * Names of the datasets directly in group `group`, sorted by name (caller frees with
 * h5in_names_free). \return ASG_ENOENT when there is no such group.
 */
int h5in_list_datasets(struct h5in_file *f, const char *group, char ***names, size_t *nr,
                       struct diag_list *d);

/** h5in_list_datasets() for the groups directly in `group` (a stack's /groups). */
int h5in_list_groups(struct h5in_file *f, const char *group, char ***names, size_t *nr,
                     struct diag_list *d);

/** Free a name list from h5in_list_datasets. */
void h5in_names_free(char **names, size_t nr);

/**
 * Read the string attribute `name` of the object at `path` (fixed or variable length).
 * \return ASG_ENOENT when object or attribute is missing, ASG_EFORMAT when it is no string.
 */
int h5in_attr_string(struct h5in_file *f, const char *path, const char *name, char **out,
                     struct diag_list *d);

/**
 * Read the 1-D or scalar dataset at `path` (numeric, string or enum) into `col`
 * (name = the dataset's last path component, units from its `units` attribute).
 */
int h5in_read_column(struct h5in_file *f, const char *path, struct h5in_column *col,
                     struct diag_list *d);

/** Read the 1-D compound dataset at `path` into `t`, one column per field. */
int h5in_read_table(struct h5in_file *f, const char *path, struct h5in_table *t,
                    struct diag_list *d);

/** Free a column's contents; safe on a zeroed column. */
void h5in_column_release(struct h5in_column *col);

/** Free a table's contents; safe on a zeroed table. */
void h5in_table_release(struct h5in_table *t);

/** The column called `name`, or NULL. */
const struct h5in_column *h5in_table_find(const struct h5in_table *t, const char *name);

#endif /* ASGSIM_H5IN_H */
