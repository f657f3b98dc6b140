#!/usr/bin/python3
"""Writes test/fixtures/<family>.json from PyTorch (Debian python3-torch), with a fixed seed.

    /usr/bin/python3 scripts/gen_fixtures.py            # every family
    /usr/bin/python3 scripts/gen_fixtures.py conv pool  # some families

Each family is a module in scripts/fixtures/ with a `cases()` function. The JSON is committed so
CI needs no Python; re-running with the same PyTorch version reproduces it exactly.
"""
import importlib
import json
import os
import pkgutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
OUT = os.path.join(HERE, "..", "test", "fixtures")


def families():
    import fixtures

    return sorted(m.name for m in pkgutil.iter_modules(fixtures.__path__) if m.name != "common")


def main(argv):
    names = argv or families()
    os.makedirs(OUT, exist_ok=True)
    for name in names:
        torch.manual_seed(1234)
        mod = importlib.import_module(f"fixtures.{name}")
        cases = mod.cases()
        doc = {"family": name, "torch": torch.__version__, "seed": 1234, "cases": cases}
        path = os.path.join(OUT, f"{name}.json")
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f, separators=(",", ":"))
        os.replace(tmp, path)
        print(f"{name}: {len(cases)} cases -> {os.path.relpath(path)}")


if __name__ == "__main__":
    main(sys.argv[1:])
