/*
 * asgsim recommend: the cheapest point of a finished sweep that meets a planner's
 * objectives on the mean and in enough of its replications (sweep_pick.h).
 */
#include "cli.h"
#include "sweep_pick.h"

#include <getopt.h>
#include <string.h>

#include "asgsim/banned.h"

static const char recommend_usage[] =
        "Usage: asgsim recommend SWEEP.h5 [objectives] [options]\n"
        "The cheapest point (mean cost_total_usd over its replications) of a sweep output\n"
        "that meets every objective on the mean and in at least --min-pass of its\n"
        "replications; how many replications pass, with a 95 %% Wilson score interval on\n"
        "that share; the runners-up; and the 'asgsim run' line (--set, --parameter, --seed)\n"
        "that re-runs the point.\n"
        "\n"
        "%s"
        "      --json               print one JSON object on stdout\n"
        "  -h, --help               show this help\n"
        "\n"
        "Exit status: 0 a point meets the objectives, 1 none does, 2 usage, 65 bad objective\n"
        "or not a sweep output, 66 missing input.\n";

int cli_recommend(int argc, char **argv)
{
    enum { OPT_JSON = 256 };
    static const struct option longopts[] = {
        PICK_LONG_OPTIONS,
        { "json", no_argument, NULL, OPT_JSON },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    struct pick_objectives o;
    bool json = false;
    int opt;
    pick_objectives_init(&o);
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int rc = pick_option(&o, "recommend", opt, optarg);
        if (rc > 1)
            return rc;
        if (rc)
            continue;
        switch (opt) {
        case OPT_JSON:
            json = true;
            break;
        case 'h':
            printf(recommend_usage, pick_options_help);
            return EXIT_OK;
        default:
            if ((rc = pick_unknown_objective("recommend", argv[optind - 1])))
                return rc;
            return cli_usage_error("recommend", "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("recommend", "expected one SWEEP.h5 file");
    struct pick_sweep s;
    int rc = pick_sweep_open(&s, argv[optind]);
    if (!rc)
        rc = pick_sweep_evaluate(&s, &o, "recommend");
    if (!rc) {
        if (!json)
            printf("sweep        %s\n", argv[optind]);
        rc = pick_print_recommendation(stdout, &s, &o, json);
    }
    pick_sweep_release(&s);
    return rc;
}
