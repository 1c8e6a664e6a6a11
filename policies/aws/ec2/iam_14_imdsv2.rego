# METADATA
# title: Instances and launch templates require IMDSv2
# description: >-
#   With IMDSv1 (`http_tokens = "optional"`) the instance metadata service answers plain GET
#   requests, so a server-side request forgery in any application on the instance hands out the
#   credentials of its instance role — for an EKS node, the role every pod on it can fall back
#   to. IMDSv2 needs a session token that such requests cannot get. An instance or launch
#   template that says nothing gets AWS's default, which still allows IMDSv1 (unless the AMI or
#   the account's IMDS defaults require v2, which a configuration does not show), so it fails
#   and says so. A metadata service that is turned off passes.
# custom:
#   id: IAM-14
#   severity: high
#   resource_types: [aws_instance, aws_launch_template, aws_launch_configuration]
#   reads: [metadata_options, metadata_options.http_tokens, metadata_options.http_endpoint]
#   remediation: >-
#     Add metadata_options { http_tokens = "required" } to the aws_instance, aws_launch_template or aws_launch_configuration
#     (for EKS node groups, in the launch template), or set the account's IMDS defaults with
#     aws_ec2_instance_metadata_defaults { http_tokens = "required" }.
#   controls:
#     ferpa: ["99.31(a)(1)(ii)"]
#     cis_aws: ["5.7"]
#     nist_800_53: [AC-3, CM-7]
#   equivalents:
#     checkov: [CKV_AWS_79]
#     prowler: [ec2_instance_imdsv2_enabled, ec2_launch_template_imdsv2_required]
package rampart.aws.ec2.iam_14

import data.rampart.lib


deny contains lib.finding(r, "metadata_options.http_tokens", msg) if {
	some r in lib.machines
	m := r.attributes.metadata_options
	not lib.is_unknown(m)
	not lib.is_unknown(m.http_endpoint)
	m.http_endpoint != "disabled"
	m.http_tokens == "optional"
	msg := sprintf("%s allows IMDSv1 (http_tokens is optional%s): its role's credentials answer any request from the instance", [lib.machine_kind[r.type], how(r)])
}

# How the setting came: written, or AWS's default for a configuration that says nothing.
how(r) := ", AWS's default: IMDSv2 is not required" if {
	lib.by_default(r, "metadata_options")
} else := ""
