/*
 * regions.c - the Region table behind include/asgsim/regions.h.
 *
 * Sources: AZ names are the Region code plus a letter, and AWS maps the letters to physical
 * zones per account in its oldest Regions (docs.aws.amazon.com/global-infrastructure/latest/
 * regions/aws-availability-zones.html). The letters below are what
 * `aws ec2 describe-availability-zones` lists in public transcripts
 * (gist.github.com/alexcdot/fb8998438f225a0a058f37ad8c375ce4, 2018;
 * gist.github.com/nicolasdao/b751bebefb03c7dd759b1c0ad3e74e51, 2022;
 * gist.github.com/matsubo/9308b3a91e75d1ce62fe6f0d047a3c7d for ap-northeast-1 a, c, d;
 * gist.github.com/beeradmoore/fab5dc3775d0695d78761c420e5a334d for us-west-1 a, c);
 * us-west-2d follows the issue 17 list. One account's view may differ; asgsim uses this one
 * set so outputs stay deterministic. A macro keeps each Region's names and count together.
 */
#include "asgsim/regions.h"

#include "asgsim/util.h"

#include <string.h>

#include "asgsim/banned.h"

#define AZS(r, ...)                                                                                \
    {                                                                                              \
        r, (const char *const[]){ __VA_ARGS__ },                                                   \
                sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)                \
    }

struct region {
    const char *name;
    const char *const *azs;
    size_t nr;
};

static const struct region regions[] = {
    AZS("us-east-1", "us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e",
        "us-east-1f"),
    AZS("us-east-2", "us-east-2a", "us-east-2b", "us-east-2c"),
    AZS("us-west-1", "us-west-1a", "us-west-1c"),
    AZS("us-west-2", "us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"),
    AZS("eu-west-1", "eu-west-1a", "eu-west-1b", "eu-west-1c"),
    AZS("eu-central-1", "eu-central-1a", "eu-central-1b", "eu-central-1c"),
    AZS("ap-southeast-1", "ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"),
    AZS("ap-northeast-1", "ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"),
};

static const char *const names[] = {
    "us-east-1", "us-east-2",    "us-west-1",      "us-west-2",
    "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1",
};

const char *const *region_azs(const char *region, size_t *nr)
{
    for (size_t i = 0; i < ARRAY_SIZE(regions); i++)
        if (strcmp(regions[i].name, region) == 0) {
            *nr = regions[i].nr;
            return regions[i].azs;
        }
    *nr = 0;
    return NULL;
}

const char *const *region_names(size_t *nr)
{
    _Static_assert(ARRAY_SIZE(names) == ARRAY_SIZE(regions), "one name per region");
    *nr = ARRAY_SIZE(names);
    return names;
}
