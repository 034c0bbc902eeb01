/*
 * asgsim sweep under mpirun: dynamic master/worker (ecosystem.md §5.1). Rank 0 hands out
 * one run at a time and collects the result records; only rank 0 journals and writes the
 * output file, with serial HDF5. With a single rank, rank 0 runs everything itself.
 * Compiled only when ASGSIM_MPI is defined (the file is globbed into every build).
 */
#include "cli.h"

#include "asgsim/diag.h"

#ifdef ASGSIM_MPI

#include "asgsim/sweep.h"

#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "asgsim/banned.h"

enum { TAG_RUN = 1, TAG_STOP = 2, TAG_RESULT = 3 };

static bool initialised;

bool cli_sweep_mpi_launched(void)
{
    /* Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE; PMI/PMIx launchers (srun) set these. */
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

int cli_sweep_mpi_init(int *rank)
{
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS) {
        fprintf(stderr, "asgsim: error: MPI_Init failed\n");
        return ASG_EIO;
    }
    initialised = true;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    return 0;
}

void cli_sweep_mpi_finalize(void)
{
    if (initialised)
        MPI_Finalize();
    initialised = false;
}

static int master(struct cli_sweep *sw, int size)
{
    size_t next = 0, nr = cli_sweep_nr_todo(sw);
    int busy = 0, ret = 0;
    for (int w = 1; w < size; w++) {
        if (next < nr) {
            uint64_t run = cli_sweep_todo(sw, next++);
            MPI_Send(&run, 1, MPI_UINT64_T, w, TAG_RUN, MPI_COMM_WORLD);
            busy++;
        } else {
            MPI_Send(NULL, 0, MPI_UINT64_T, w, TAG_STOP, MPI_COMM_WORLD);
        }
    }
    if (size == 1) {
        for (; next < nr && ret == 0 && !cli_caught_signal(); next++) {
            struct sweep_result r;
            cli_sweep_run_one(sw, cli_sweep_todo(sw, next), &r);
            ret = r.status ? r.status : cli_sweep_collect(sw, &r);
        }
        return ret;
    }
    while (busy > 0) {
        struct sweep_result r;
        MPI_Status status;
        MPI_Recv(&r, (int)sizeof(r), MPI_BYTE, MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &status);
        busy--;
        if (r.status == 0) {
            int rc = cli_sweep_collect(sw, &r);
            if (rc < 0 && !ret)
                ret = rc;
        } else if (r.status == ASG_EINTR) {
            ret = ret ? ret : ASG_EINTR;
        } else if (!ret) {
            fprintf(stderr, "asgsim: error: run of point %u replication %u failed: %s\n",
                    (unsigned)r.point, (unsigned)r.replication, asg_strerror(r.status));
            ret = r.status;
        }
        if (next < nr && !ret && !cli_caught_signal()) {
            uint64_t run = cli_sweep_todo(sw, next++);
            MPI_Send(&run, 1, MPI_UINT64_T, status.MPI_SOURCE, TAG_RUN, MPI_COMM_WORLD);
            busy++;
        } else {
            MPI_Send(NULL, 0, MPI_UINT64_T, status.MPI_SOURCE, TAG_STOP, MPI_COMM_WORLD);
        }
    }
    if (!ret && cli_caught_signal())
        ret = ASG_EINTR;
    return ret;
}

static int worker(struct cli_sweep *sw)
{
    for (;;) {
        uint64_t run;
        MPI_Status status;
        MPI_Recv(&run, 1, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
        if (status.MPI_TAG == TAG_STOP)
            return 0;
        struct sweep_result r;
        cli_sweep_run_one(sw, run, &r);
        MPI_Send(&r, (int)sizeof(r), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
    }
}

int cli_sweep_mpi_drive(struct cli_sweep *sw, int rank)
{
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return rank == 0 ? master(sw, size) : worker(sw);
}

#else

bool cli_sweep_mpi_launched(void)
{
    return false;
}

int cli_sweep_mpi_init(int *rank)
{
    *rank = 0;
    return ASG_EINVAL;
}

int cli_sweep_mpi_drive(struct cli_sweep *sw, int rank)
{
    (void)sw;
    (void)rank;
    return ASG_EINVAL;
}

void cli_sweep_mpi_finalize(void)
{
}

#endif /* ASGSIM_MPI */
