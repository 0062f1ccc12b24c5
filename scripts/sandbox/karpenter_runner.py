#!/usr/bin/env python3
"""Runs the real Karpenter controller for what the action installed, and plays the kubelets of the nodes it launches.

The sandbox's nodes are kwok's: they run no containers, so the Karpenter Deployment the action's Helm release
creates never runs any code by itself. This process stands in for what a real cluster would do with it:

  controller   While a Deployment labelled app.kubernetes.io/name=karpenter exists (replicas > 0), the controller
               binary of its chart's version (label helm.sh/chart, karpenter-<version>) runs as a local process with
               the Deployment's container environment (values, field and resource references resolved as the kubelet
               would), plus what running out of the cluster takes: a kubeconfig with a token of the Deployment's
               service account (so the chart's RBAC is what it gets), CLUSTER_ENDPOINT, leader election off, free
               metrics/health ports, the sandbox's AWS endpoint. It is restarted when the Deployment's settings
               change, and stopped when the Deployment goes. One controller per Deployment, as in a cluster.
  credentials  IRSA as EKS does it: a service-account token for audience sts.amazonaws.com (TokenRequest), handed to
               the controller as AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN from the service account's
               eks.amazonaws.com/role-arn annotation. moto assumes any role for any token, so this checks first
               what STS would: the role exists, an IAM OIDC provider exists for the token's issuer and lists its
               audience, the token's signature verifies, and the role's trust policy allows
               sts:AssumeRoleWithWebIdentity from that provider for the token's sub and aud. A failed check leaves
               the controller stopped, with the reason in the status file and the log.
               EKS Pod Identity: moto serves no associations, so the sandbox reads them from
               <state>/pod-identity.json ({"<namespace>/<service account>": "<role ARN>"}), checks that the role
               trusts pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession, and serves the role's
               credentials on AWS_CONTAINER_CREDENTIALS_FULL_URI as the Pod Identity agent does.
  kubelets     For each NodeClaim Karpenter launched (status.providerID set), a Node registers as the kubelet of
               that instance would: the instance's private DNS name, the NodeClaim's labels, its taints and startup
               taints plus karpenter.sh/unregistered:NoExecute, its capacity and allocatable, and kwok's annotation
               so that kwok makes it Ready and runs its pods. A Node this process registered whose instance is gone
               from EC2 is deleted, as the cloud controller manager's node lifecycle does.

Status: <state>/status.json, and GET /status on --port (/healthz answers "ok").
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import ipaddress
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

KARPENTER_LABEL = "app.kubernetes.io/name=karpenter"
ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
STANDIN_ANNOTATION = "sandbox.karpenter-action/kubelet"
UNREGISTERED_TAINT = {"key": "karpenter.sh/unregistered", "effect": "NoExecute"}
STS_AUDIENCE = "sts.amazonaws.com"


def log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)


# --- Kubernetes ---------------------------------------------------------------------------------------------------


class Kube:
    """The admin client of the sandbox's API server (client certificate)."""

    def __init__(self, server: str, ca: str, cert: str, key: str):
        self.server = server.rstrip("/")
        self.ctx = ssl.create_default_context(cafile=ca)
        self.ctx.load_cert_chain(cert, key)

    def call(self, method: str, path: str, body: Any = None, content_type: str = "application/json") -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.server + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=10) as res:
                return res.status, json.loads(res.read() or b"null")
        except urllib.error.HTTPError as e:
            try:
                return e.code, json.loads(e.read() or b"null")
            except ValueError:
                return e.code, None

    def get(self, path: str) -> Any:
        status, body = self.call("GET", path)
        if status == 404:
            return None
        if status >= 300:
            raise RuntimeError(f"GET {path}: {status} {message_of(body)}")
        return body

    def items(self, path: str) -> list[dict[str, Any]]:
        body = self.get(path)
        return (body or {}).get("items") or []


def message_of(body: Any) -> str:
    return body.get("message", "") if isinstance(body, dict) else str(body or "")


# --- quantities and env resolution ----------------------------------------------------------------------------------

SUFFIX = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "n": 1e-9, "u": 1e-6,
          "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}


def quantity(q: str | int | float) -> float:
    m = re.fullmatch(r"([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([A-Za-z]*)", str(q).strip())
    if not m or m.group(2) not in SUFFIX:
        raise ValueError(f"not a quantity: {q!r}")
    return float(m.group(1)) * SUFFIX[m.group(2)]


def resource_field(container: dict[str, Any], ref: dict[str, Any], node_allocatable: dict[str, str]) -> str:
    """A resourceFieldRef as the kubelet resolves it: a missing request is its limit (as the API server defaults it)
    or 0, a missing limit the node's allocatable; divided by the divisor and rounded up."""
    kind, _, resource = ref["resource"].partition(".")
    resources = container.get("resources") or {}
    value = (resources.get(kind) or {}).get(resource)
    if value is None and kind == "requests":
        value = (resources.get("limits") or {}).get(resource, "0")
    if value is None:
        value = node_allocatable.get(resource, "0")
    divisor = quantity(ref.get("divisor") or "1")
    if divisor == 0:
        divisor = 1
    amount = quantity(value) / divisor
    return str(int(-(-amount // 1)))


def resolve_env(kube: Kube, namespace: str, pod_name: str, container: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The container's environment (env and envFrom) with every reference resolved; problems listed, not raised."""
    out: dict[str, str] = {}
    problems: list[str] = []
    allocatable = {"cpu": "4", "memory": "16Gi"}  # the sandbox nodes' (scripts/sandbox/kwok-nodes.yaml)

    def from_object(kind: str, ref: dict[str, Any]) -> dict[str, str] | None:
        plural = "secrets" if kind == "Secret" else "configmaps"
        obj = kube.get(f"/api/v1/namespaces/{namespace}/{plural}/{ref['name']}")
        if obj is None:
            if not ref.get("optional"):
                problems.append(f"{kind} {namespace}/{ref['name']} does not exist")
            return None
        data = obj.get("data") or {}
        if kind == "Secret":
            return {k: base64.b64decode(v).decode() for k, v in data.items()}
        return dict(data)

    for source in container.get("envFrom") or []:
        for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            if key in source:
                for k, v in (from_object(kind, source[key]) or {}).items():
                    out[source.get("prefix", "") + k] = v
    for var in container.get("env") or []:
        name = var["name"]
        if "valueFrom" not in var:
            out[name] = re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: out.get(m.group(1), m.group(0)),
                               str(var.get("value", "")))
            continue
        source = var["valueFrom"]
        if "fieldRef" in source:
            path = source["fieldRef"]["fieldPath"]
            fields = {"metadata.namespace": namespace, "metadata.name": pod_name, "spec.nodeName": "sandbox",
                      "status.podIP": "127.0.0.1", "status.hostIP": "127.0.0.1", "spec.serviceAccountName": ""}
            if path in fields:
                out[name] = fields[path]
            else:
                problems.append(f"env {name}: fieldRef {path} is not served by the sandbox")
        elif "resourceFieldRef" in source:
            out[name] = resource_field(container, source["resourceFieldRef"], allocatable)
        else:
            kind, key = ("Secret", "secretKeyRef") if "secretKeyRef" in source else ("ConfigMap", "configMapKeyRef")
            ref = source[key]
            data = from_object(kind, ref)
            if data is not None and ref["key"] in data:
                out[name] = data[ref["key"]]
            elif data is not None and not ref.get("optional"):
                problems.append(f"env {name}: {kind} {namespace}/{ref['name']} has no key {ref['key']}")
    return out, problems


# --- JWT and trust policies -----------------------------------------------------------------------------------------


def b64url(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def verify_jwt(token: str, public_key_pem: bytes) -> dict[str, Any]:
    """The claims of an ES256 JWT whose signature verifies with the key; raises otherwise."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    head, payload, sig = token.split(".")
    header = json.loads(b64url(head))
    if header.get("alg") != "ES256":
        raise ValueError(f"token signed with {header.get('alg')}, not ES256")
    raw = b64url(sig)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = serialization.load_pem_public_key(public_key_pem)
    try:
        key.verify(der, f"{head}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))  # type: ignore[union-attr]
    except InvalidSignature:
        raise ValueError("the token's signature does not verify with the issuer's key") from None
    return json.loads(b64url(payload))


def as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [] if v is None else [v]


def like(pattern: str, value: str) -> bool:
    return re.fullmatch(".*".join(re.escape(p).replace(r"\?", ".") for p in pattern.split("*")), value) is not None


def conditions_hold(conditions: dict[str, Any], context: dict[str, str]) -> tuple[bool, str]:
    """IAM condition operators a trust policy uses, evaluated as IAM does (a missing key fails a positive test)."""
    for op, tests in (conditions or {}).items():
        base = op.split(":")[-1]
        if_exists = base.endswith("IfExists")
        base = base.removesuffix("IfExists")
        for key, expected in tests.items():
            actual = context.get(key)
            values = [str(x) for x in as_list(expected)]
            if actual is None:
                if if_exists or base.startswith("StringNot"):
                    continue
                return False, f"the condition {op} on {key} needs a value the request does not carry"
            if base == "StringEquals":
                ok = actual in values
            elif base == "StringLike":
                ok = any(like(p, actual) for p in values)
            elif base == "StringNotEquals":
                ok = actual not in values
            elif base == "StringNotLike":
                ok = not any(like(p, actual) for p in values)
            else:
                return False, f"the condition operator {op} is not evaluated by the sandbox"
            if not ok:
                return False, f"{op} {key} {values} does not match {actual!r}"
    return True, ""


def action_matches(statement: dict[str, Any], action: str) -> bool:
    return any(like(a.lower(), action.lower()) for a in as_list(statement.get("Action")))


# --- AWS (the sandbox's own view, for the checks) -------------------------------------------------------------------


class Aws:
    def __init__(self, endpoint: str, region: str):
        import boto3
        from botocore.config import Config

        kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id="testing",
                  aws_secret_access_key="testing", config=Config(retries={"max_attempts": 2}))
        self.iam = boto3.client("iam", **kw)
        self.ec2 = boto3.client("ec2", **kw)
        self.sts = boto3.client("sts", **kw)

    def role(self, arn: str) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        m = re.fullmatch(r"arn:aws[a-z-]*:iam::([0-9]{12}):role(/(?:[^/]+/)*)?([^/]+)", arn)
        if not m:
            raise ValueError(f"{arn} is not an IAM role ARN")
        try:
            role = self.iam.get_role(RoleName=m.group(3))["Role"]
        except ClientError as e:
            raise ValueError(f"the role {arn} does not exist ({e.response['Error']['Code']})") from None
        if role["Arn"] != arn:
            raise ValueError(f"the role's ARN is {role['Arn']}, not {arn} (its path differs)")
        doc = role["AssumeRolePolicyDocument"]
        role["trust"] = json.loads(urllib.parse.unquote(doc)) if isinstance(doc, str) else doc
        return role

    def instance(self, instance_id: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            res = self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        except ClientError:
            return None
        for r in res:
            for i in r["Instances"]:
                return i
        return None


def check_irsa(aws: Aws, role_arn: str, token: str, sa_public_key: bytes) -> str:
    """What STS checks for AssumeRoleWithWebIdentity; returns '' when it would be allowed, else why not."""
    from botocore.exceptions import ClientError

    try:
        claims = verify_jwt(token, sa_public_key)
        role = aws.role(role_arn)
    except ValueError as e:
        return str(e)
    issuer = claims.get("iss", "")
    host_path = issuer.removeprefix("https://")
    account = role_arn.split(":")[4]
    provider_arn = f"arn:aws:iam::{account}:oidc-provider/{host_path}"
    try:
        provider = aws.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
    except ClientError:
        return f"no IAM OIDC provider {provider_arn} exists for the token's issuer {issuer}"
    audiences = as_list(claims.get("aud"))
    if not set(audiences) & set(provider.get("ClientIDList") or []):
        return f"the OIDC provider {provider_arn} does not list the token's audience {audiences}"
    context = {f"{host_path}:sub": claims.get("sub", ""), f"{host_path}:aud": audiences[0] if audiences else ""}
    reasons = []
    for st in as_list(role["trust"].get("Statement")):
        if st.get("Effect") != "Allow" or not action_matches(st, "sts:AssumeRoleWithWebIdentity"):
            continue
        federated = as_list((st.get("Principal") or {}).get("Federated"))
        if provider_arn not in federated:
            reasons.append(f"a statement trusts {federated}, not {provider_arn}")
            continue
        ok, why = conditions_hold(st.get("Condition") or {}, context)
        if ok:
            return ""
        reasons.append(why)
    return (f"the trust policy of {role_arn} does not allow sts:AssumeRoleWithWebIdentity for "
            f"sub={claims.get('sub')} aud={audiences}: " + ("; ".join(reasons) or "no statement allows it"))


def check_pod_identity(aws: Aws, role_arn: str) -> str:
    try:
        role = aws.role(role_arn)
    except ValueError as e:
        return str(e)
    for st in as_list(role["trust"].get("Statement")):
        services = as_list((st.get("Principal") or {}).get("Service"))
        if (st.get("Effect") == "Allow" and "pods.eks.amazonaws.com" in services
                and action_matches(st, "sts:AssumeRole") and action_matches(st, "sts:TagSession")):
            return ""
    return f"the trust policy of {role_arn} does not allow pods.eks.amazonaws.com sts:AssumeRole and sts:TagSession"


# --- the controllers ----------------------------------------------------------------------------------------------


@dataclass
class Controller:
    key: str  # namespace/name of the Deployment
    version: str
    slot: int
    fingerprint: str = ""
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    restarts: int = 0
    next_start: float = 0.0
    error: str = ""
    reported: str = ""
    auth: str = ""
    role_arn: str = ""
    env_names: list[str] = field(default_factory=list)
    credentials: dict[str, Any] = field(default_factory=dict)


class Runner:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.kube = Kube(args.apiserver, args.ca, args.cert, args.key)
        self.aws = Aws(args.aws_endpoint, args.region)
        self.sa_public_key = open(args.sa_public_key, "rb").read()
        self.controllers: dict[str, Controller] = {}
        self.registered: dict[str, dict[str, Any]] = {}  # providerID -> what was registered
        self.events: list[str] = []
        self.blocked: dict[str, int] = {}  # host:port -> attempts a controller made to leave 127.0.0.0/8
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        os.makedirs(args.state_dir, exist_ok=True)

    def event(self, msg: str) -> None:
        log(msg)
        self.events = (self.events + [f"{time.strftime('%H:%M:%S')} {msg}"])[-50:]

    # --- deployments

    def desired(self) -> dict[str, dict[str, Any]]:
        out = {}
        for d in self.kube.items(f"/apis/apps/v1/deployments?labelSelector={urllib.parse.quote(KARPENTER_LABEL)}"):
            meta = d["metadata"]
            if meta.get("deletionTimestamp") or (d.get("spec") or {}).get("replicas", 1) == 0:
                continue
            out[f"{meta['namespace']}/{meta['name']}"] = d
        return out

    def launch_spec(self, d: dict[str, Any]) -> dict[str, Any]:
        meta = d["metadata"]
        ns, name = meta["namespace"], meta["name"]
        chart = (meta.get("labels") or {}).get("helm.sh/chart", "")
        version = chart.rpartition("-")[2] if chart.startswith("karpenter-") else ""
        pod = d["spec"]["template"]["spec"]
        containers = pod.get("containers") or []
        container = next((c for c in containers if c.get("name") == "controller"), containers[0] if containers else {})
        env, problems = resolve_env(self.kube, ns, f"{name}-sandbox", container)
        sa_name = pod.get("serviceAccountName") or "default"
        sa = self.kube.get(f"/api/v1/namespaces/{ns}/serviceaccounts/{sa_name}") or {}
        role_arn = ((sa.get("metadata") or {}).get("annotations") or {}).get(ROLE_ANNOTATION, "")
        pod_identity = self.pod_identity().get(f"{ns}/{sa_name}", "")
        spec = {"namespace": ns, "name": name, "version": version, "env": env, "problems": problems,
                "serviceAccount": sa_name, "saExists": bool(sa), "roleArn": role_arn, "podIdentityRole": pod_identity}
        spec["fingerprint"] = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]
        return spec

    def pod_identity(self) -> dict[str, str]:
        path = os.path.join(self.args.state_dir, "pod-identity.json")
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def token(self, ns: str, sa: str, audiences: list[str] | None, seconds: int) -> str:
        spec: dict[str, Any] = {"expirationSeconds": seconds}
        if audiences:
            spec["audiences"] = audiences
        status, body = self.kube.call("POST", f"/api/v1/namespaces/{ns}/serviceaccounts/{sa}/token",
                                      {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec})
        if status >= 300:
            raise RuntimeError(f"TokenRequest for {ns}/{sa} failed: {status} {message_of(body)}")
        return body["status"]["token"]

    def free_slot(self) -> int:
        used = {c.slot for c in self.controllers.values()}
        return next(i for i in range(64) if i not in used)

    def sync_controllers(self) -> None:
        desired = self.desired()
        for key in list(self.controllers):
            if key not in desired:
                self.stop(self.controllers.pop(key), "its Deployment is gone")
        for key, d in desired.items():
            spec = self.launch_spec(d)
            c = self.controllers.get(key)
            if c and c.fingerprint != spec["fingerprint"]:
                self.stop(c, "its Deployment's settings changed")
                c.fingerprint = ""
                c.restarts = 0
                c.next_start = 0
            if not c:
                c = self.controllers[key] = Controller(key=key, version=spec["version"], slot=self.free_slot())
            c.version = spec["version"]
            if c.process and c.process.poll() is not None:
                code = c.process.returncode
                c.process = None
                c.restarts += 1
                delay = min(300, 10 * 2 ** (c.restarts - 1))
                c.next_start = time.time() + delay
                c.error = f"exited with code {code}; restarting in {delay}s (see {self.log_path(c)})"
                self.event(f"controller {key}: {c.error}")
            if c.process is None and time.time() >= c.next_start:
                self.start(c, spec)
            elif c.process and c.credentials.get("refresh", 0) < time.time():
                self.write_credentials(c, spec)

    def log_path(self, c: Controller) -> str:
        return os.path.join(self.args.log_dir, f"karpenter-controller-{c.key.replace('/', '-')}.log")

    def write_credentials(self, c: Controller, spec: dict[str, Any]) -> None:
        """Fresh tokens in the files the controller reads (it re-reads them, as a pod does its projected tokens)."""
        ns, sa = spec["namespace"], spec["serviceAccount"]
        folder = os.path.join(self.args.state_dir, c.key.replace("/", "-"))
        os.makedirs(folder, mode=0o700, exist_ok=True)
        api_token = self.token(ns, sa, None, 3600)
        write_private(os.path.join(folder, "api-token"), api_token)
        if c.auth == "irsa":
            sts_token = self.token(ns, sa, [STS_AUDIENCE], 86400)
            why = check_irsa(self.aws, c.role_arn, sts_token, self.sa_public_key)
            if why:
                raise CredentialError(f"AccessDenied (as STS would answer AssumeRoleWithWebIdentity): {why}")
            write_private(os.path.join(folder, "sts-token"), sts_token)
        c.credentials = {"folder": folder, "refresh": time.time() + 1800}

    def start(self, c: Controller, spec: dict[str, Any]) -> None:
        a = self.args
        c.fingerprint = spec["fingerprint"]
        binary = os.path.join(a.bin_dir, f"karpenter-controller-v{c.version}")
        if not c.version or not os.access(binary, os.X_OK):
            built = sorted(f.removeprefix("karpenter-controller-v") for f in os.listdir(a.bin_dir)
                           if f.startswith("karpenter-controller-v") and not f.endswith(".tmp"))
            c.error = (f"no controller binary for chart version {c.version or '(unknown)'} (built: "
                       f"{', '.join(built) or 'none'}; KARPENTER_VERSIONS in scripts/sandbox/versions.sh)")
            c.next_start = time.time() + 10
            self.not_started(c)
            return
        if spec["problems"] or not spec["saExists"]:
            why = spec["problems"] or [f"service account {spec['serviceAccount']} does not exist"]
            c.error = "; ".join(why)
            c.next_start = time.time() + 10
            self.not_started(c)
            return
        if spec["roleArn"]:
            c.auth, c.role_arn = "irsa", spec["roleArn"]
        elif spec["podIdentityRole"]:
            c.auth, c.role_arn = "pod-identity", spec["podIdentityRole"]
        else:
            c.auth, c.role_arn = "", ""
            c.error = (f"no AWS credentials: service account {spec['namespace']}/{spec['serviceAccount']} has no "
                       f"{ROLE_ANNOTATION} annotation and no Pod Identity association")
            c.next_start = time.time() + 10
            self.not_started(c)
            return
        try:
            if c.auth == "pod-identity":
                why = check_pod_identity(self.aws, c.role_arn)
                if why:
                    raise CredentialError(f"AccessDenied (as EKS Pod Identity would answer): {why}")
            self.write_credentials(c, spec)
        except (CredentialError, RuntimeError) as e:
            c.error = str(e)
            c.next_start = time.time() + 10
            self.not_started(c)
            return
        folder = c.credentials["folder"]
        kubeconfig = os.path.join(folder, "kubeconfig")
        write_private(kubeconfig, json.dumps({
            "apiVersion": "v1", "kind": "Config", "current-context": "sandbox",
            "clusters": [{"name": "sandbox", "cluster": {"server": a.apiserver, "certificate-authority": a.ca}}],
            "users": [{"name": spec["serviceAccount"], "user": {"tokenFile": os.path.join(folder, "api-token")}}],
            "contexts": [{"name": "sandbox", "context": {"cluster": "sandbox", "user": spec["serviceAccount"],
                                                          "namespace": spec["namespace"]}}],
        }))
        env = {k: os.environ[k] for k in ("PATH", "HOME", "TMPDIR", "LANG") if k in os.environ}
        env.update(spec["env"])
        env.update({
            # Out of the cluster: no in-cluster config, no leader election, ports of the sandbox's range.
            "KUBECONFIG": kubeconfig,
            "CLUSTER_ENDPOINT": a.apiserver,
            "DISABLE_LEADER_ELECTION": "true",
            "METRICS_PORT": str(a.controller_port_base + 2 * c.slot),
            "HEALTH_PROBE_PORT": str(a.controller_port_base + 2 * c.slot + 1),
            # AWS: the recording endpoint of the sandbox's moto; the region a pod reads from instance metadata. The
            # SDK builds the STS client of its web-identity credentials before it reads AWS_ENDPOINT_URL: only the
            # service-specific variable reaches it.
            "AWS_ENDPOINT_URL": a.aws_controller_endpoint,
            "AWS_ENDPOINT_URL_STS": a.aws_controller_endpoint,
            # Anything aimed elsewhere (a client that ignores the endpoint variables) goes to this runner's refusing
            # proxy instead of the network: no DNS lookup, no connection; the host is reported in the status.
            "HTTPS_PROXY": f"http://127.0.0.1:{a.port}",
            "HTTP_PROXY": f"http://127.0.0.1:{a.port}",
            "NO_PROXY": "127.0.0.1,localhost",
            "AWS_REGION": a.region,
            "AWS_EC2_METADATA_DISABLED": "true",
        })
        if c.auth == "irsa":
            # What EKS's pod identity webhook injects for an annotated service account.
            env.update({"AWS_ROLE_ARN": c.role_arn, "AWS_WEB_IDENTITY_TOKEN_FILE": os.path.join(folder, "sts-token"),
                        "AWS_STS_REGIONAL_ENDPOINTS": "regional"})
        else:
            secret = hashlib.sha256(os.urandom(32)).hexdigest()
            write_private(os.path.join(folder, "pod-identity-token"), secret)
            c.credentials["secret"] = secret
            env.update({"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"http://127.0.0.1:{a.port}/pod-identity/{c.key}",
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": os.path.join(folder, "pod-identity-token")})
        c.env_names = sorted(env)
        out = open(self.log_path(c), "ab")
        out.write(f"\n=== {time.strftime('%Y-%m-%dT%H:%M:%S')} karpenter_runner: starting {binary} for "
                  f"{c.key} ({c.auth} {c.role_arn})\n".encode())
        out.flush()
        c.process = subprocess.Popen([binary], env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        out.close()
        c.started = time.time()
        c.error = ""
        self.event(f"controller {c.key}: started karpenter-controller v{c.version} (pid {c.process.pid}, {c.auth} "
                   f"{c.role_arn}, metrics :{env['METRICS_PORT']}, health :{env['HEALTH_PROBE_PORT']})")

    def not_started(self, c: Controller) -> None:
        """Says why a controller does not run, once per reason (it is tried again every 10 s)."""
        if c.error != c.reported:
            c.reported = c.error
            self.event(f"controller {c.key}: not started: {c.error}")

    def stop(self, c: Controller, why: str) -> None:
        if not c.process:
            return
        p = c.process
        c.process = None
        self.event(f"controller {c.key}: stopping (pid {p.pid}): {why}")
        try:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        except ProcessLookupError:
            pass

    # --- kubelets

    def sync_nodes(self) -> None:
        claims = self.kube.items("/apis/karpenter.sh/v1/nodeclaims")
        nodes = self.kube.items("/api/v1/nodes")
        by_provider = {(n.get("spec") or {}).get("providerID"): n for n in nodes}
        for claim in claims:
            pid = (claim.get("status") or {}).get("providerID")
            if not pid or claim["metadata"].get("deletionTimestamp") or pid in by_provider:
                continue
            if pid in self.registered:
                continue  # this kubelet registered once; a Node deleted since stays deleted
            self.register(claim, pid)
        for n in nodes:
            if (n["metadata"].get("annotations") or {}).get(STANDIN_ANNOTATION) != "stand-in":
                continue
            iid = (n.get("spec") or {}).get("providerID", "").rpartition("/")[2]
            inst = self.aws.instance(iid)
            state = ((inst or {}).get("State") or {}).get("Name")
            if state in (None, "terminated", "shutting-down") and not n["metadata"].get("deletionTimestamp"):
                status, body = self.kube.call("DELETE", f"/api/v1/nodes/{n['metadata']['name']}")
                self.event(f"node {n['metadata']['name']}: instance {iid} is {state or 'gone'}, Node deleted "
                           f"({status})")

    def register(self, claim: dict[str, Any], pid: str) -> None:
        iid = pid.rpartition("/")[2]
        inst = self.aws.instance(iid)
        if not inst or inst["State"]["Name"] not in ("pending", "running"):
            return
        spec, status = claim.get("spec") or {}, claim.get("status") or {}
        labels = dict(claim["metadata"].get("labels") or {})
        for r in spec.get("requirements") or []:
            if r.get("operator") == "In" and len(r.get("values") or []) == 1:
                labels.setdefault(r["key"], r["values"][0])
        # The host name EC2 gives the instance, which a kubelet registers under (moto names every instance as in
        # us-east-1, ip-....ec2.internal, whatever the region).
        region = self.args.region
        domain = "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"
        name = f"ip-{(inst.get('PrivateIpAddress') or '0.0.0.0').replace('.', '-')}.{domain}"
        labels["kubernetes.io/hostname"] = name
        labels.setdefault("kubernetes.io/os", "linux")
        ip = ipaddress.ip_address(inst.get("PrivateIpAddress") or "10.0.0.1")
        # Loopback InternalIPs, as for the sandbox's other nodes: nothing may dial a node outside 127.0.0.0/8.
        loopback = f"127.0.{(int(ip) >> 8) & 0xFF}.{int(ip) & 0xFF}"
        taints = list(spec.get("taints") or []) + list(spec.get("startupTaints") or []) + [UNREGISTERED_TAINT]
        resources = {"capacity": status.get("capacity") or {}, "allocatable": status.get("allocatable") or {}}
        node = {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": labels, "annotations": {
                "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0", STANDIN_ANNOTATION: "stand-in"}},
            "spec": {"providerID": pid, "taints": taints},
            "status": {**resources,
                       "addresses": [{"type": "InternalIP", "address": loopback}, {"type": "Hostname", "address": name}],
                       "nodeInfo": {"architecture": labels.get("kubernetes.io/arch", "amd64"),
                                    "operatingSystem": "linux", "osImage": "Amazon Linux 2023 (sandbox)",
                                    "kubeletVersion": self.args.kube_version, "kubeProxyVersion": self.args.kube_version,
                                    "containerRuntimeVersion": "containerd://kwok", "kernelVersion": "kwok",
                                    "bootID": "", "machineID": iid, "systemUUID": iid}},
        }
        code, body = self.kube.call("POST", "/api/v1/nodes", node)
        if code >= 300 and code != 409:
            self.event(f"node {name}: registration for NodeClaim {claim['metadata']['name']} failed: {code} "
                       f"{message_of(body)}")
            return
        self.registered[pid] = {"node": name, "nodeClaim": claim["metadata"]["name"], "at": time.time(),
                                "instanceType": labels.get("node.kubernetes.io/instance-type"),
                                "zone": labels.get("topology.kubernetes.io/zone")}
        self.event(f"node {name}: registered for NodeClaim {claim['metadata']['name']} ({pid}, "
                   f"{labels.get('node.kubernetes.io/instance-type')} in {labels.get('topology.kubernetes.io/zone')})")

    # --- status

    def status(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "time": time.time(),
            "controllers": [
                {"deployment": c.key, "version": c.version, "running": bool(c.process and c.process.poll() is None),
                 "pid": c.process.pid if c.process else None, "startedAt": c.started, "restarts": c.restarts,
                 "auth": c.auth, "roleArn": c.role_arn, "error": c.error, "log": self.log_path(c),
                 "metricsPort": self.args.controller_port_base + 2 * c.slot,
                 "healthPort": self.args.controller_port_base + 2 * c.slot + 1, "env": c.env_names}
                for c in self.controllers.values()
            ],
            "registered": self.registered,
            "blockedOutbound": self.blocked,
            "events": self.events,
        }

    def write_status(self) -> None:
        path = os.path.join(self.args.state_dir, "status.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(self.status(), f, indent=2)
        os.replace(path + ".tmp", path)

    def loop(self) -> None:
        errors = 0
        while not self.stopping.is_set():
            try:
                with self.lock:
                    self.sync_controllers()
                    self.sync_nodes()
                    self.write_status()
                errors = 0
            except Exception as e:  # the API server restarting, moto restarting: keep going
                errors += 1
                if errors in (1, 10) or errors % 60 == 0:
                    self.event(f"sync failed ({errors} in a row): {type(e).__name__}: {e}")
            self.stopping.wait(self.args.interval)
        with self.lock:
            for c in self.controllers.values():
                self.stop(c, "the sandbox is stopping")
            self.write_status()

    def pod_identity_credentials(self, key: str, authorization: str) -> tuple[int, dict[str, Any]]:
        c = self.controllers.get(key)
        if not c or c.auth != "pod-identity" or authorization != c.credentials.get("secret"):
            return 403, {"message": "unknown association or wrong authorization token"}
        why = check_pod_identity(self.aws, c.role_arn)
        if why:
            return 403, {"message": why}
        creds = self.aws.sts.assume_role(RoleArn=c.role_arn, RoleSessionName=f"eks-{key.replace('/', '-')}"[:64],
                                         DurationSeconds=3600)["Credentials"]
        return 200, {"AccessKeyId": creds["AccessKeyId"], "SecretAccessKey": creds["SecretAccessKey"],
                     "Token": creds["SessionToken"], "AccountId": c.role_arn.split(":")[4],
                     "Expiration": creds["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ")}


class CredentialError(Exception):
    pass


def write_private(path: str, text: str) -> None:
    fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def serve(runner: Runner, host: str, port: int) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def answer(self, code: int, body: Any, content_type: str = "application/json") -> None:
            data = (body if isinstance(body, str) else json.dumps(body, indent=2)).encode()
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def refuse(self, target: str) -> None:
            with runner.lock:
                first = target not in runner.blocked
                runner.blocked[target] = runner.blocked.get(target, 0) + 1
            if first:
                runner.event(f"refused a controller's connection to {target}: nothing leaves 127.0.0.0/8")
            self.answer(403, {"message": f"the sandbox refuses connections to {target}"})

        def do_CONNECT(self) -> None:
            self.refuse(self.path)

        def do_POST(self) -> None:
            self.refuse(self.path) if "://" in self.path else self.answer(404, {"message": "not found"})

        def do_GET(self) -> None:
            if "://" in self.path:
                self.refuse(urllib.parse.urlsplit(self.path).netloc)
            elif self.path == "/healthz":
                self.answer(200, "ok", "text/plain")
            elif self.path == "/status":
                with runner.lock:
                    self.answer(200, runner.status())
            elif self.path.startswith("/pod-identity/"):
                code, body = runner.pod_identity_credentials(self.path.removeprefix("/pod-identity/"),
                                                             self.headers.get("Authorization", ""))
                self.answer(code, body)
            else:
                self.answer(404, {"message": "not found"})

    server = http.server.ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--apiserver", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--sa-public-key", required=True)
    p.add_argument("--aws-endpoint", required=True, help="moto, for the sandbox's own checks")
    p.add_argument("--aws-controller-endpoint", required=True, help="the recording endpoint the controller gets")
    p.add_argument("--region", required=True)
    p.add_argument("--bin-dir", required=True)
    p.add_argument("--state-dir", required=True)
    p.add_argument("--log-dir", required=True)
    p.add_argument("--kube-version", required=True)
    p.add_argument("--port", type=int, required=True, help="status, health and Pod Identity credentials")
    p.add_argument("--controller-port-base", type=int, required=True)
    p.add_argument("--interval", type=float, default=0.5)
    args = p.parse_args()
    runner = Runner(args)
    server = serve(runner, "127.0.0.1", args.port)
    signal.signal(signal.SIGTERM, lambda *_: runner.stopping.set())
    signal.signal(signal.SIGINT, lambda *_: runner.stopping.set())
    log(f"karpenter_runner: watching {args.apiserver} for Karpenter Deployments; status on 127.0.0.1:{args.port}")
    runner.loop()
    server.shutdown()
    log("karpenter_runner: stopped")


if __name__ == "__main__":
    sys.exit(main())
