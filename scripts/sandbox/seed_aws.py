#!/usr/bin/env python3
"""Seed the sandbox's moto_server with the world the action expects to find in AWS.

Creates, only where missing (so running it twice changes nothing):
  - a VPC with one subnet in each of eu-west-1a/b/c and a security group, all tagged
    karpenter.sh/discovery=<cluster>;
  - the EKS cluster <cluster> in those subnets;
  - GitHub's OIDC identity provider and the role `github-deploy` that trusts it (AdministratorAccess);
  - the S3 bucket that holds the action's state.

Then writes what it found or made, as JSON, to the file named by --out (default: stdout).

Usage: seed_aws.py --endpoint http://127.0.0.1:18500 [--out $DIR/aws.json]
The credentials are moto's dummy ones; moto accepts anything.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "eu-west-1"
CLUSTER = "opsfleet-dev-cluster"
K8S_VERSION = "1.34"
DISCOVERY_TAG = {"Key": "karpenter.sh/discovery", "Value": CLUSTER}
VPC_CIDR = "10.0.0.0/16"
# One /19 per zone; the kwok nodes take their InternalIPs from these ranges (see up.sh).
SUBNETS = [("eu-west-1a", "10.0.0.0/19"), ("eu-west-1b", "10.0.32.0/19"), ("eu-west-1c", "10.0.64.0/19")]
SECURITY_GROUP = f"{CLUSTER}-node"
CLUSTER_ROLE = f"{CLUSTER}-eks-cluster"
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
# GitHub's published certificate thumbprints; AWS no longer checks them for this provider, but the API takes them.
GITHUB_THUMBPRINTS = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
DEPLOY_ROLE = "github-deploy"
DEPLOY_SUBJECT = "repo:opsfleet/*"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
BUCKET = "espace-project-store"


def log(msg: str) -> None:
    print(f"[sandbox] aws: {msg}", file=sys.stderr, flush=True)


def tags_of(name: str, extra: list[dict] | None = None) -> list[dict]:
    return [{"Key": "Name", "Value": name}, DISCOVERY_TAG] + (extra or [])


def ensure_vpc(ec2) -> str:
    found = ec2.describe_vpcs(
        Filters=[{"Name": "tag:karpenter.sh/discovery", "Values": [CLUSTER]}, {"Name": "cidr", "Values": [VPC_CIDR]}]
    )["Vpcs"]
    if found:
        return found[0]["VpcId"]
    vpc = ec2.create_vpc(
        CidrBlock=VPC_CIDR,
        TagSpecifications=[{"ResourceType": "vpc", "Tags": tags_of(f"{CLUSTER}-vpc")}],
    )["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    log(f"created VPC {vpc}")
    return vpc


def ensure_subnets(ec2, vpc: str) -> dict[str, str]:
    existing = {
        s["AvailabilityZone"]: s["SubnetId"]
        for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    }
    out = {}
    for zone, cidr in SUBNETS:
        if zone not in existing:
            subnet = ec2.create_subnet(
                VpcId=vpc,
                CidrBlock=cidr,
                AvailabilityZone=zone,
                TagSpecifications=[
                    {
                        "ResourceType": "subnet",
                        # The internal-elb tag is what an EKS private subnet usually carries too.
                        "Tags": tags_of(f"{CLUSTER}-private-{zone}", [{"Key": "kubernetes.io/role/internal-elb", "Value": "1"}]),
                    }
                ],
            )["Subnet"]["SubnetId"]
            log(f"created subnet {subnet} in {zone}")
            existing[zone] = subnet
        out[zone] = existing[zone]
    return out


def ensure_security_group(ec2, vpc: str) -> str:
    found = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": [SECURITY_GROUP]}]
    )["SecurityGroups"]
    if found:
        return found[0]["GroupId"]
    sg = ec2.create_security_group(
        GroupName=SECURITY_GROUP,
        Description=f"Nodes of {CLUSTER}",
        VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": tags_of(SECURITY_GROUP)}],
    )["GroupId"]
    log(f"created security group {sg}")
    return sg


def ensure_role(iam, name: str, trust: dict, description: str) -> str:
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except ClientError as e:
        if e.response["Error"]["Code"] != "NoSuchEntity":
            raise
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Description=description)["Role"]["Arn"]
    log(f"created role {name}")
    return arn


def ensure_cluster(eks, iam, subnets: list[str], sg: str) -> dict:
    try:
        return eks.describe_cluster(name=CLUSTER)["cluster"]
    except ClientError as e:
        if e.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
    role_arn = ensure_role(
        iam,
        CLUSTER_ROLE,
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        },
        "EKS control plane role of the sandbox cluster",
    )
    eks.create_cluster(
        name=CLUSTER,
        version=K8S_VERSION,
        roleArn=role_arn,
        resourcesVpcConfig={"subnetIds": subnets, "securityGroupIds": [sg]},
        tags={"karpenter.sh/discovery": CLUSTER},
    )
    log(f"created EKS cluster {CLUSTER}")
    return eks.describe_cluster(name=CLUSTER)["cluster"]


def ensure_github_oidc(iam) -> str:
    for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        if p["Arn"].endswith(f"/{GITHUB_OIDC_HOST}"):
            return p["Arn"]
    arn = iam.create_open_id_connect_provider(
        Url=f"https://{GITHUB_OIDC_HOST}", ClientIDList=["sts.amazonaws.com"], ThumbprintList=GITHUB_THUMBPRINTS
    )["OpenIDConnectProviderArn"]
    log(f"created OIDC provider {arn}")
    return arn


def ensure_deploy_role(iam, oidc_arn: str) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": oidc_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {f"{GITHUB_OIDC_HOST}:aud": "sts.amazonaws.com"},
                    "StringLike": {f"{GITHUB_OIDC_HOST}:sub": DEPLOY_SUBJECT},
                },
            }
        ],
    }
    arn = ensure_role(iam, DEPLOY_ROLE, trust, "Assumed by GitHub Actions of the opsfleet organisation")
    attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=DEPLOY_ROLE)["AttachedPolicies"]]
    if ADMIN_POLICY not in attached:
        iam.attach_role_policy(RoleName=DEPLOY_ROLE, PolicyArn=ADMIN_POLICY)
        log(f"attached AdministratorAccess to {DEPLOY_ROLE}")
    return arn


def ensure_bucket(s3) -> None:
    try:
        s3.head_bucket(Bucket=BUCKET)
        return
    except ClientError as e:
        if e.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    log(f"created bucket {BUCKET}")


def wait_for(endpoint: str, sts) -> str:
    """moto may still be importing its backends when up.sh calls us: retry the cheapest call for a while."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return sts.get_caller_identity()["Account"]
        except Exception:  # noqa: BLE001 - connection refused, 5xx while starting...
            if time.monotonic() > deadline:
                raise SystemExit(f"moto at {endpoint} did not answer STS GetCallerIdentity within 30s")
            time.sleep(0.5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:18500"))
    ap.add_argument("--out", help="write the seeded ids here as JSON (default: stdout)")
    args = ap.parse_args()
    if not args.endpoint.startswith(("http://127.", "http://localhost")):
        raise SystemExit(f"refusing to seed {args.endpoint}: the sandbox only talks to 127.0.0.0/8")

    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    cfg = Config(retries={"max_attempts": 3, "mode": "standard"}, s3={"addressing_style": "path"})

    def client(service: str):
        return session.client(service, endpoint_url=args.endpoint, config=cfg)

    ec2, eks, iam, s3, sts = (client(s) for s in ("ec2", "eks", "iam", "s3", "sts"))
    account = wait_for(args.endpoint, sts)

    vpc = ensure_vpc(ec2)
    subnets = ensure_subnets(ec2, vpc)
    sg = ensure_security_group(ec2, vpc)
    cluster = ensure_cluster(eks, iam, [subnets[z] for z, _ in SUBNETS], sg)
    oidc = ensure_github_oidc(iam)
    deploy_role = ensure_deploy_role(iam, oidc)
    ensure_bucket(s3)

    world = {
        "endpoint": args.endpoint,
        "accountId": account,
        "region": REGION,
        "vpcId": vpc,
        "subnets": subnets,
        "subnetIds": [subnets[z] for z, _ in SUBNETS],
        "securityGroupId": sg,
        "cluster": {
            "name": cluster["name"],
            "arn": cluster["arn"],
            "status": cluster["status"],
            "version": cluster.get("version"),
            "endpoint": cluster.get("endpoint"),
            "oidcIssuer": cluster.get("identity", {}).get("oidc", {}).get("issuer"),
            "roleArn": cluster.get("roleArn"),
        },
        "githubOidcProviderArn": oidc,
        "deployRoleArn": deploy_role,
        "bucket": BUCKET,
    }
    text = json.dumps(world, indent=2) + "\n"
    if args.out:
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, args.out)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
