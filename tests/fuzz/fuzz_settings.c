/*
 * libFuzzer harness for `--with` settings files (issue 20, class 7): a fixed small template
 * without Metadata, and every input as its settings file, loaded as `asgsim validate
 * TEMPLATE --with SETTINGS` would. The template has a parameter, subnets and a warm pool,
 * so that settings naming Subnets, Exports, Parameters or group settings reach their
 * checks. Bad settings must only produce diagnostics.
 */
#include "fuzz_util.h"

#include "asgsim/scenario.h"

#include <string.h>

static const char template_text[] =
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Parameters:\n"
        "  Size: {Type: Number, Default: 2}\n"
        "  Subnets: {Type: CommaDelimitedList, Default: 'subnet-a,subnet-b'}\n"
        "Resources:\n"
        "  LT:\n"
        "    Type: AWS::EC2::LaunchTemplate\n"
        "    Properties: {LaunchTemplateData: {InstanceType: c6i.large, ImageId: ami-12345678}}\n"
        "  ASG:\n"
        "    Type: AWS::AutoScaling::AutoScalingGroup\n"
        "    Properties:\n"
        "      MinSize: '1'\n"
        "      MaxSize: '6'\n"
        "      DesiredCapacity: !Ref Size\n"
        "      VPCZoneIdentifier: !Ref Subnets\n"
        "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: !GetAtt LT.LatestVersionNumber}\n"
        "  Pool:\n"
        "    Type: AWS::AutoScaling::WarmPool\n"
        "    Properties: {AutoScalingGroupName: !Ref ASG, MinSize: 1, PoolState: Stopped}\n"
        "  Cpu:\n"
        "    Type: AWS::AutoScaling::ScalingPolicy\n"
        "    Properties:\n"
        "      AutoScalingGroupName: !Ref ASG\n"
        "      PolicyType: TargetTrackingScaling\n"
        "      TargetTrackingConfiguration:\n"
        "        PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageCPUUtilization}\n"
        "        TargetValue: 50\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *tmpl;
    if (!tmpl)
        tmpl = fuzz_write(1, "template.yaml", template_text, strlen(template_text));
    struct scenario_load_opts o = { .with_path = fuzz_write(0, "settings.yaml", data, size) };
    struct scenario sc;
    struct diag_list d = { .quiet_warnings = false };
    if (scenario_load(&sc, tmpl, &o, &d) == 0)
        scenario_release(&sc);
    fuzz_diag_done(&d);
    return 0;
}
