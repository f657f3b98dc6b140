#!/usr/bin/python3
"""PyTorch CPU column of convkit's benchmark (bench/lib/peers/pytorch.mjs starts it).

Run by Debian's /usr/bin/python3 (python3-torch 1.13): `torch_bench.py THREADS`. It sets
torch.set_num_threads(THREADS) and torch.set_num_interop_threads(1), then answers one request per
cell on stdin: a JSON line {cell, batch, protocol, spec, arrays: [{name, dtype, shape, bytes}]}
followed by the arrays' raw little-endian bytes (the harness's deterministic data, so every system
computes on the same numbers). It times the cell with the harness's protocol (bench/lib/timing.mjs:
warm-up, timed calls until targetReps or targetSeconds, at least minReps; each call reads its
result back as a Python float) and replies with one JSON line {times, warm, floorTimes?,
profiles?, firstValue, cpuSeconds} (or {error}); the median and the GFLOP/s are computed by the
harness.
The first line it writes is {type: 'ready', info} or {type: 'fatal', error: 'skipped: ...'}.
"""
import json
import os
import resource
import sys
import threading
import time


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def watch_parent():
    """Exit when the harness child that started us is gone (killed at a cell timeout)."""
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(3)


def read_arrays(meta, np):
    out = {}
    for a in meta:
        raw = sys.stdin.buffer.read(a["bytes"])
        if len(raw) != a["bytes"]:
            raise EOFError(f"array {a['name']}: {len(raw)} of {a['bytes']} bytes")
        out[a["name"]] = np.frombuffer(raw, dtype=np.dtype(a["dtype"]).newbyteorder("<")).reshape(a["shape"]).copy()
    return out


def conv_cell(torch, F, mode, spec, arr):
    x = torch.from_numpy(arr["x"])
    w = torch.from_numpy(arr["w"])
    opts = dict(stride=spec["stride"], padding=spec["pad"], groups=spec["groups"])
    if mode == "fwd":
        return lambda: F.conv2d(x, w, None, **opts)[0, 0, 0, 0].item()

    def fwdbwd():
        xg = x.detach().requires_grad_()
        wg = w.detach().requires_grad_()
        F.conv2d(xg, wg, None, **opts).sum().backward()
        return xg.grad[0, 0, 0, 0].item() + wg.grad[0, 0, 0, 0].item()

    return fwdbwd


def mnist_cell(torch, nn, F, mode, arr):
    net = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10),
    )
    names = ["c1w", "c1b", "c2w", "c2b", "f1w", "f1b", "f2w", "f2b"]
    with torch.no_grad():
        for p, n in zip(net.parameters(), names):
            p.copy_(torch.from_numpy(arr[n]).reshape(p.shape))
    x = torch.from_numpy(arr["x"])
    if mode == "infer":
        net.eval()

        def infer():
            with torch.no_grad():
                return net(x)[0, 0].item()

        return infer
    y = torch.from_numpy(arr["labels"]).long()
    opt = torch.optim.SGD(net.parameters(), lr=0.01)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def res_cell(torch, nn, F, spec, arr):
    c, k, pad = spec["c"], spec["k"], spec["pad"]
    main = nn.Sequential(
        nn.Conv2d(c, c, k, padding=pad, bias=False), nn.BatchNorm2d(c), nn.ReLU(),
        nn.Conv2d(c, c, k, padding=pad, bias=False), nn.BatchNorm2d(c),
    )
    with torch.no_grad():
        main[0].weight.copy_(torch.from_numpy(arr["w1"]))
        main[3].weight.copy_(torch.from_numpy(arr["w2"]))
    x = torch.from_numpy(arr["x"])
    target = torch.from_numpy(arr["target"])
    opt = torch.optim.SGD(main.parameters(), lr=0.01)

    def step():
        opt.zero_grad(set_to_none=True)
        xg = x.detach().requires_grad_()
        loss = F.mse_loss(torch.relu(main(xg) + xg), target)
        loss.backward()
        opt.step()
        return loss.item()

    def profile():
        # torch's profiler: inclusive CPU time of the forward conv (aten::conv2d) and of its
        # backward (aten::convolution_backward) against the step's wall time under the profiler
        with torch.autograd.profiler.profile() as prof:
            t0 = time.perf_counter()
            step()
            total = (time.perf_counter() - t0) * 1000
        inside = 0.0
        by_op = {}
        for e in prof.function_events:
            by_op[e.name] = by_op.get(e.name, 0.0) + e.self_cpu_time_total / 1000
            if e.name in ("aten::conv2d", "aten::convolution_backward"):
                inside += e.cpu_time_total / 1000
        top = sorted(by_op.items(), key=lambda kv: -kv[1])[:8]
        return {"insideMs": inside, "totalMs": total, "ops": len(prof.function_events),
                "top": [{"name": n, "ms": ms} for n, ms in top], "method": "torch.autograd.profiler"}

    return step, profile


def chain_cell(torch, np, spec, arr):
    t = {k: torch.from_numpy(arr[k]) for k in ("x", "y", "z", "b")}
    ops = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "maximum": torch.maximum,
           "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "exp": torch.exp, "neg": torch.neg}
    chain = spec["ops"]

    def run():
        v = t["x"]
        for entry in chain:
            f = ops[entry[0]]
            if len(entry) == 1:
                v = f(v)
            else:
                a = entry[1]
                v = f(v, a if isinstance(a, (int, float)) else t[a])
        return v[0, 0].item()

    # the floor: numpy.copyto (a single-threaded memcpy, like TypedArray.set), one per op, ring of 3
    src0 = arr["x"]
    ring = [np.empty_like(src0) for _ in range(3)]

    def floor():
        src = src0
        for i in range(len(chain)):
            dst = ring[i % 3]
            np.copyto(dst, src)
            src = dst
        return float(src[0, 0])

    return run, floor


def measure(job, torch, nn, F, np, arr):
    cell, spec, p = job["cell"], job.get("spec", {}), job["protocol"]
    wl, mode = cell["workload"], cell["mode"]
    floor = profile = None
    if wl == "R1":
        run, profile = res_cell(torch, nn, F, spec, arr)
    elif wl == "E1":
        run, floor = chain_cell(torch, np, spec, arr)
    elif wl in ("T1", "T2"):
        run = mnist_cell(torch, nn, F, mode, arr)
    else:
        run = conv_cell(torch, F, mode, spec, arr)

    floor_times = []
    values = []

    def call():
        t0 = time.perf_counter()
        v = run()
        ms = (time.perf_counter() - t0) * 1000
        if not values:
            values.append(v)  # the first call's result, for the harness's cross-check
        if floor is not None:
            t1 = time.perf_counter()
            floor()
            floor_times.append((time.perf_counter() - t1) * 1000)
        return ms

    first = call()
    warm = 1 if first > 1000 else p["warmup"]
    for _ in range(1, warm):
        call()
    floor_times.clear()
    times = []
    start = time.perf_counter()
    while len(times) < p["minReps"] or (len(times) < p["targetReps"] and time.perf_counter() - start < p["targetSeconds"]):
        times.append(call())
    out = {"times": times, "warm": warm, "firstValue": values[0]}
    if floor is not None:
        out["floorTimes"] = floor_times
    if profile is not None:
        out["profiles"] = [profile() for _ in range(job.get("profileReps", 3))]
    return out


def main():
    threads = int(sys.argv[1])
    try:
        import numpy as np
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError as e:
        reply({"type": "fatal", "error": f"skipped: {sys.executable} cannot import torch/numpy ({e}); install Debian's python3-torch"})
        return
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    threading.Thread(target=watch_parent, daemon=True).start()
    reply({"type": "ready", "info": {
        "version": torch.__version__, "threads": torch.get_num_threads(), "interopThreads": torch.get_num_interop_threads(),
        "mkldnn": torch.backends.mkldnn.is_available(), "python": sys.version.split()[0],
    }})
    for line in sys.stdin.buffer:
        job = json.loads(line)
        try:
            arr = read_arrays(job["arrays"], np)
            res = measure(job, torch, nn, F, np, arr)
        except Exception as e:  # reported as the cell's error; the next cell still runs
            res = {"error": f"{type(e).__name__}: {e}".splitlines()[0][:200]}
        res["cpuSeconds"] = cpu_seconds()
        reply(res)


if __name__ == "__main__":
    main()
