#!/usr/bin/env python3
"""The sandbox's AWS: moto's own server application, with what moto lacks for the real Karpenter controller.

moto speaks the wire protocol of every service the action and Karpenter use, and keeps one in-memory world per
process. This runs moto's application (the same one `python -m moto.server` runs) on two listeners of that one
world, and mends five gaps, each where moto itself keeps the data:

  - EKS: the cluster's OIDC issuer is `--oidc-issuer` (moto makes up a random one per process). kube-apiserver signs
    service-account tokens with that issuer, so IRSA trust policies written for the cluster's issuer really match
    the tokens of the cluster, as on EKS.
  - SSM: the public parameters behind Karpenter's AMI aliases
    (/aws/service/eks/optimized-ami/<k8s>/amazon-linux-2023/<arch>/standard/<release>/image_id and `recommended`),
    read from `--ami-catalog`. moto refuses PutParameter under /aws/, so they are loaded the way moto loads its other
    public parameters. The AMIs themselves are moto's (its MOTO_AMIS_PATH, written here from the same catalog: the
    sandbox's EC2 has these images and no others).
  - EC2 CreateFleet: moto reads a launch template's security groups only from `GroupSet`; Karpenter's templates
    give `SecurityGroupIds` (the field of the API), so every instance came up without them and drifted at once.
  - IAM ListInstanceProfiles: moto ignores `PathPrefix` and lists every profile. Karpenter's instance-profile
    garbage collection lists /karpenter/<region>/<cluster>/ and deletes what it finds there unused, so with moto
    it deleted the profile the action made (path /), which AWS would never have listed.

and, in front of moto (`mended()`), three answers it gets wrong in a way that only costs time, but much of it:

  - EC2 Describe* with DryRun=true: moto ignores the flag and answers the full description. AWS answers 412
    DryRunOperation. Karpenter checks its EC2 access at start with a dry run of DescribeInstanceTypes, which moto
    answered with its whole catalogue (~3 s here).
  - EC2 DescribeInstanceTypes and DescribeInstanceTypeOfferings: moto renders its ~1,250 instance types afresh for
    each request (2.5-3.5 s on 2 cores; AWS answers in well under a second). The catalogue never changes within a
    process, so the answer to the same request is kept and given again, with a request id of its own.
  - The Price List API (pricing:GetProducts and its siblings): moto has no such service, and its server answered
    500 with an HTML page. The controller's SDK retried that with backoff while holding its on-demand price lock,
    which node class validation waits on (~14 s before an EC2NodeClass could become Ready). It is answered as AWS
    answers a query no product matches: an empty price list. Karpenter then keeps its built-in prices, as it does in
    an isolated VPC.

Listeners (both 127.0.0.1):
  --port            what the action, the tests and the sandbox scripts use (plain moto)
  --record-port     the same world, every request recorded as one JSON line in --record-file: the endpoint the
                    sandbox gives the Karpenter controller, so that its calls can be checked against its IAM policy
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
from typing import Any


def patch_eks_issuer(issuer: str) -> None:
    from moto.eks import models as eks

    original = eks.Cluster.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.identity = {"oidc": {"issuer": issuer}}

    eks.Cluster.__init__ = init  # type: ignore[method-assign]


EKS_AMI_PREFIX = "/aws/service/eks/optimized-ami/"


def patch_ssm_eks_amis(catalog: dict[str, Any]) -> None:
    """Serve the catalog's EKS AMI parameters as public SSM parameters (read-only, like AWS's)."""
    from moto.core.utils import utcnow
    from moto.ssm import models as ssm

    params: list[tuple[str, str]] = []
    for k8s, releases in catalog["kubernetes"].items():
        newest: dict[str, str] = {}
        for release in sorted(releases):
            for arch, ami in releases[release].items():
                name = f"amazon-eks-node-al2023-{arch}-standard-{k8s}-{release}"
                params.append((f"{EKS_AMI_PREFIX}{k8s}/amazon-linux-2023/{arch}/standard/{name}/image_id", ami["id"]))
                newest[arch] = ami["id"]
        for arch, ami_id in newest.items():
            params.append((f"{EKS_AMI_PREFIX}{k8s}/amazon-linux-2023/{arch}/standard/recommended/image_id", ami_id))

    original = ssm.ParameterDict._check_loading_status

    def check(self: Any, key: str) -> None:
        original(self, key)
        if str(key or "").startswith(EKS_AMI_PREFIX) and not getattr(self, "ka_eks_amis_loaded", False):
            self.ka_eks_amis_loaded = True
            for name, value in params:
                super(ssm.ParameterDict, self).__getitem__(name).append(
                    ssm.Parameter(
                        account_id=self.account_id,
                        name=name,
                        value=value,
                        parameter_type="String",
                        description=None,
                        allowed_pattern=None,
                        keyid=None,
                        last_modified_date=utcnow(),
                        version=1,
                        data_type="aws:ec2:image",
                    )
                )

    ssm.ParameterDict._check_loading_status = check  # type: ignore[method-assign]


def write_moto_amis(catalog: dict[str, Any], path: str) -> str:
    """The catalog's images in moto's AMI file format."""
    amis = []
    for k8s, releases in catalog["kubernetes"].items():
        for release, arches in releases.items():
            for arch, ami in arches.items():
                name = f"amazon-eks-node-al2023-{arch}-standard-{k8s}-{release}"
                amis.append({
                    "ami_id": ami["id"], "name": name, "description": f"EKS-optimized Kubernetes node based on Amazon Linux 2023, ({k8s}, {release})",
                    "architecture": arch, "state": "available", "public": True, "owner_id": catalog["owner"],
                    "image_location": f"amazon/{name}", "image_type": "machine", "platform": "Linux/UNIX",
                    "virtualization_type": "hvm", "hypervisor": "xen", "root_device_type": "ebs",
                    "root_device_name": "/dev/xvda", "sriov": "simple",
                    # No creation_date: moto parses the shared list in place for every backend it makes, and a
                    # second parse of a parsed date fails. moto dates the images at start instead.
                })
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(amis, f, indent=1)
    os.replace(path + ".tmp", path)
    return path


def patch_fleet_security_groups() -> None:
    """CreateFleet: take a launch template's SecurityGroupIds (or its first interface's Groups) as the groups."""
    from moto.ec2.models import ec2_backends
    from moto.ec2.models import fleets

    original = fleets.SpotFleetLaunchSpec

    def template_groups(spec: dict[str, Any]) -> list[str]:
        template_id, version = spec.get("LaunchTemplateId"), spec.get("Version")
        for regions in ec2_backends.values():
            for backend in regions.values():
                template = getattr(backend, "launch_templates", {}).get(template_id)
                if template is None:
                    continue
                data = template.get_version(version or template.default_version_number).data
                groups = data.get("SecurityGroupIds") or []
                if not groups:
                    for nic in data.get("NetworkInterfaces") or []:
                        groups = nic.get("Groups") or nic.get("SecurityGroupIds") or []
                        if groups:
                            break
                return list(groups)
        return []

    def launch_spec(*args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("group_set") and kwargs.get("launch_template_spec"):
            kwargs["group_set"] = template_groups(kwargs["launch_template_spec"])
        return original(*args, **kwargs)

    fleets.SpotFleetLaunchSpec = launch_spec  # type: ignore[misc,assignment]


def patch_iam_instance_profile_path_prefix() -> None:
    from moto.iam.responses import IamResponse

    original = IamResponse.list_instance_profiles

    def list_instance_profiles(self: Any) -> Any:
        result = original(self)
        prefix = self._get_param("PathPrefix") or "/"
        profiles = result.result["InstanceProfiles"] if hasattr(result, "result") else None
        if profiles is not None:
            result.result["InstanceProfiles"] = [p for p in profiles if p.path.startswith(prefix)]
        return result

    IamResponse.list_instance_profiles = list_instance_profiles  # type: ignore[method-assign]


# --- answers given in front of moto --------------------------------------------------------------------------

EC2_DRY_RUN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>DryRunOperation</Code>'
    "<Message>Request would have succeeded, but DryRun flag is set.</Message></Error></Errors>"
    "<RequestID>{request_id}</RequestID></Response>"
)
# The EC2 catalogue moto serves from static data: the same request always gets the same answer.
STATIC_EC2 = {"DescribeInstanceTypes", "DescribeInstanceTypeOfferings"}
REQUEST_ID = re.compile(rb"<requestId>[^<]*</requestId>")
REQUEST_ID_HEADERS = {"x-amzn-requestid", "x-amz-request-id"}
PRICE_LIST = {
    "GetProducts": {"FormatVersion": "aws_v1", "PriceList": []},
    "DescribeServices": {"FormatVersion": "aws_v1", "Services": []},
    "GetAttributeValues": {"AttributeValues": []},
}


def mended(app: Any) -> Any:
    """moto's application, with the answers of the module docstring's second list given in front of it."""
    import uuid

    kept: dict[str, tuple[str, list[tuple[str, str]], bytes]] = {}
    lock = threading.Lock()

    def answer(start_response: Any, status: str, content_type: str, body: bytes) -> list[bytes]:
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                                ("x-amzn-RequestId", str(uuid.uuid4()))])
        return [body]

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        request = describe_request(environ, body)
        service, op, params = request["service"], request["operation"], request.get("params") or {}
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("AWSPriceListService.") and op in PRICE_LIST:
            return answer(start_response, "200 OK", "application/x-amz-json-1.1", json.dumps(PRICE_LIST[op]).encode())
        if service == "ec2" and op.startswith("Describe") and str(params.get("DryRun", "")).lower() == "true":
            xml = EC2_DRY_RUN.format(request_id=uuid.uuid4()).encode()
            return answer(start_response, "412 Precondition Failed", "text/xml;charset=UTF-8", xml)
        if service != "ec2" or op not in STATIC_EC2:
            return app(environ, start_response)
        key = json.dumps([request["region"], op, params], sort_keys=True)
        with lock:
            hit = kept.get(key)
        if hit is None:
            seen: dict[str, Any] = {}

            def respond(status: str, headers: Any, exc_info: Any = None) -> Any:
                seen["status"], seen["headers"] = status, list(headers)
                return lambda _data: None

            result = app(environ, respond)
            try:
                data = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            hit = (seen["status"], seen["headers"], data)
            if seen["status"].startswith("200"):
                with lock:
                    kept[key] = hit
        status, headers, data = hit
        request_id = str(uuid.uuid4())
        data = REQUEST_ID.sub(f"<requestId>{request_id}</requestId>".encode(), data, count=1)
        headers = [(k, request_id if k.lower() in REQUEST_ID_HEADERS else v) for k, v in headers
                   if k.lower() != "content-length"] + [("Content-Length", str(len(data)))]
        start_response(status, headers)
        return [data]

    return wrapped


# --- the recording listener -------------------------------------------------------------------------------------

CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[0-9]{8}/([^/]+)/([^/]+)/aws4_request")


def describe_request(environ: dict[str, Any], body: bytes) -> dict[str, Any]:
    """Service, operation and parameters of one AWS request, whatever its protocol (query, JSON, REST)."""
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    m = CREDENTIAL.search(headers.get("authorization", ""))
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if m:
        access_key, region, service = m.group(1), m.group(2), m.group(3)
    elif "X-Amz-Credential" in query:  # a presigned URL: <key>/<date>/<region>/<service>/aws4_request
        parts = (query["X-Amz-Credential"][0].split("/") + ["", "", "", ""])[:4]
        access_key, region, service = parts[0], parts[2], parts[3]
    else:
        access_key = region = service = ""
    record: dict[str, Any] = {
        "time": round(time.time(), 3),
        "service": service,
        "region": region,
        "accessKeyId": access_key,
        "method": environ.get("REQUEST_METHOD", ""),
        "path": environ.get("PATH_INFO", ""),
    }
    target = headers.get("x-amz-target", "")
    content_type = headers.get("content-type", "")
    if target:
        record["operation"] = target.split(".")[-1]
        try:
            record["params"] = json.loads(body or b"{}")
        except ValueError:
            record["params"] = {}
    elif "x-www-form-urlencoded" in content_type or (not body and "Action" in query):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True) if body else query
        flat = {k: v[0] if len(v) == 1 else v for k, v in form.items()}
        record["operation"] = flat.pop("Action", "")
        flat.pop("Version", None)
        record["params"] = flat
    else:
        # REST protocols (EKS and the like): the operation follows from method and path.
        record["operation"] = ""
        try:
            record["params"] = json.loads(body) if body else {}
        except ValueError:
            record["params"] = {}
    return record


ACCOUNT = "123456789012"  # moto's account: every credential in the sandbox acts in it


def resource_tags(record: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The tags of the existing resources a request acts on, read from moto's state before it runs: what IAM's
    aws:ResourceTag/<key> conditions see. Keys: instance/<id>, launch-template/<id or name>, instance-profile/<name>."""
    from moto.ec2.models import ec2_backends
    from moto.iam.models import iam_backends

    params, op, out = record.get("params") or {}, record.get("operation", ""), {}
    try:
        if record["service"] == "iam" and "InstanceProfileName" in params:
            name = params["InstanceProfileName"]
            for profile in iam_backends[ACCOUNT]["global"].instance_profiles.values():
                if profile.name == name:
                    out[f"instance-profile/{name}"] = {t["Key"]: t["Value"] for t in profile.tags}
        elif record["service"] == "ec2":
            ec2 = ec2_backends[ACCOUNT][record["region"] or "us-east-1"]
            ids = [v for k, v in params.items() if re.fullmatch(r"(InstanceId|ResourceId)\.\d+", k)]
            for rid in ids:
                kind = "instance" if rid.startswith("i-") else rid.rsplit("-", 1)[0]
                out[f"{kind}/{rid}"] = dict(ec2.tags.get(rid, {}))
            templates = [v for k, v in params.items() if k.endswith("LaunchTemplateName") or k.endswith("LaunchTemplateId")]
            for ref in templates:
                tid = ec2.launch_template_name_to_ids.get(ref, ref)
                if tid in ec2.launch_templates:
                    tags = dict(ec2.tags.get(tid, {}))
                    out[f"launch-template/{tid}"] = tags
                    out[f"launch-template/{ec2.launch_templates[tid].name}"] = tags
    except Exception as e:  # a lookup must never break the request itself
        out["_error"] = {"message": f"{type(e).__name__}: {e}"}
    return out


def recording(app: Any, path: str) -> Any:
    lock = threading.Lock()
    out = open(path, "a", encoding="utf-8")

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        record = describe_request(environ, body)
        tags = resource_tags(record)
        if tags:
            record["resourceTags"] = tags
        seen: dict[str, str] = {}

        def respond(status: str, response_headers: Any, exc_info: Any = None) -> Any:
            seen["status"] = status
            return start_response(status, response_headers, exc_info)

        result = app(environ, respond)
        record["status"] = int(seen.get("status", "0").split(" ")[0] or 0)
        with lock:
            out.write(json.dumps(record, sort_keys=True) + "\n")
            out.flush()
        return result

    return wrapped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record-port", type=int, required=True)
    parser.add_argument("--record-file", required=True)
    parser.add_argument("--oidc-issuer", required=True)
    parser.add_argument("--ami-catalog", required=True)
    args = parser.parse_args()
    if not args.host.startswith("127."):
        sys.exit("aws_server: listens on 127.0.0.0/8 only")

    with open(args.ami_catalog, encoding="utf-8") as f:
        catalog = json.load(f)
    # Before moto is imported: it reads its AMIs when its EC2 models load.
    os.environ["MOTO_AMIS_PATH"] = write_moto_amis(catalog, os.path.join(os.path.dirname(args.record_file), "moto-amis.json"))
    patch_eks_issuer(args.oidc_issuer)
    patch_ssm_eks_amis(catalog)
    patch_fleet_security_groups()
    patch_iam_instance_profile_path_prefix()

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = mended(DomainDispatcherApplication(create_backend_app))
    servers = [
        make_server(args.host, args.port, app, threaded=True),
        make_server(args.host, args.record_port, recording(app, args.record_file), threaded=True),
    ]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    print(
        f"aws_server: moto {__import__('moto').__version__} on {args.host}:{args.port}, recorded on "
        f"{args.host}:{args.record_port} ({args.record_file}); OIDC issuer {args.oidc_issuer}",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for s in servers:
        s.shutdown()


if __name__ == "__main__":
    main()
