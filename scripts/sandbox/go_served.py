#!/usr/bin/env python3
"""Makes a throwaway build module buildable from what the Go module proxy serves.

A release's go.mod pins some dependencies at versions the proxy refuses (it answers 403 "This module version is not
available" for the zip, while it still serves the .info and .mod). Run in the module's folder: this runs
`go mod tidy -e`, and for each refused module@version replaces it with the nearest version the proxy does serve,
trying first the versions of the same module named by the go.mod files given with --prefer (another release that
is known to build), then newer versions of the same major version, then older ones. It repeats until tidy reports
no refused module, and prints each replacement.

Usage: go_served.py [--prefer other/go.mod ...]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import urllib.request

REFUSED = re.compile(r"reading https://proxy\.golang\.org/(\S+)/@v/(v[^/\s]+)\.zip: 403")


def unescape(path: str) -> str:
    return re.sub(r"!([a-z])", lambda m: m.group(1).upper(), path)


def escape(path: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "!" + m.group(0).lower(), path)


def semver(v: str) -> tuple:
    m = re.match(r"v(\d+)\.(\d+)\.(\d+)(.*)", v)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4) == "", m.group(4)) if m else (0, 0, 0, False, v)


def listed(module: str) -> list[str]:
    try:
        with urllib.request.urlopen(f"https://proxy.golang.org/{escape(module)}/@v/list", timeout=30) as r:
            return [v for v in r.read().decode().split() if v]
    except OSError:
        return []


def served(module: str, version: str) -> bool:
    return subprocess.run(["go", "mod", "download", f"{module}@{version}"], capture_output=True).returncode == 0


def preferred(module: str, gomods: list[str]) -> list[str]:
    out = []
    for path in gomods:
        for line in open(path, encoding="utf-8"):
            parts = line.strip().split()
            if len(parts) >= 2 and parts[0] == module and parts[1].startswith("v"):
                out.append(parts[1])
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--prefer", action="append", default=[])
    args = p.parse_args()
    done: set[str] = set()
    for _ in range(20):
        tidy = subprocess.run(["go", "mod", "tidy", "-e"], capture_output=True, text=True)
        refused = {(unescape(m), v) for m, v in REFUSED.findall(tidy.stderr)}
        refused = {(m, v) for m, v in refused if m not in done}
        if not refused:
            return 0
        for module, version in sorted(refused):
            major = semver(version)[0]
            newer = sorted((v for v in listed(module) if semver(v)[0] == major and semver(v) > semver(version)), key=semver)
            older = sorted((v for v in listed(module) if semver(v)[0] == major and semver(v) < semver(version)), key=semver, reverse=True)
            for candidate in preferred(module, args.prefer) + newer + older:
                if candidate != version and served(module, candidate):
                    subprocess.run(["go", "mod", "edit", f"-replace={module}={module}@{candidate}"], check=True)
                    print(f"{module}@{version} is not served: using {candidate}")
                    break
            else:
                print(f"{module}@{version} is not served, and no other version of it is", file=sys.stderr)
                return 1
            done.add(module)
    print("modules still refused after 20 rounds", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
