#!/usr/bin/python3
"""Reference outputs for explainConv / `convkit conv` (test/explain_conv.test.ts), from numpy
(1-d convolve/correlate), scipy.signal (2-d convolve/correlate) and PyTorch (stride, padding,
dilation). Writes test/fixtures/explain/conv.json.

Note: scipy.signal.correlate2d's 'same' puts the odd padding of an even kernel after, unlike
scipy.signal.correlate, numpy.correlate and every convolve (before); convkit follows the majority.

    /usr/bin/python3 scripts/gen_explain.py
"""
import json
import os

import numpy as np
import scipy.signal
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "explain", "conv.json")


def L(a):
    return np.asarray(a, dtype=np.float64).tolist()


def main():
    rng = np.random.default_rng(13)
    cases = []
    # 1-d: numpy's modes, odd and even kernels, true convolution (flip) and correlation
    for n, k in [(4, 3), (5, 2), (5, 4), (6, 1), (3, 3), (7, 5)]:
        x = rng.integers(-4, 6, n).astype(float)
        w = rng.integers(-3, 4, k).astype(float)
        for mode in ["valid", "same", "full"]:
            if mode == "valid" and k > n:
                continue
            cases.append({"x": L(x), "w": L(w), "mode": mode, "flip": True, "out": L(np.convolve(x, w, mode))})
            cases.append({"x": L(x), "w": L(w), "mode": mode, "flip": False, "out": L(np.correlate(x, w, mode))})
    # 2-d: scipy.signal, odd and even kernels, rectangular shapes
    for (h, w_), (kh, kw) in [((4, 4), (2, 2)), ((5, 6), (3, 2)), ((3, 5), (3, 3)), ((6, 5), (2, 4))]:
        x = rng.integers(-3, 5, (h, w_)).astype(float)
        w = rng.integers(-2, 3, (kh, kw)).astype(float)
        for mode in ["valid", "same", "full"]:
            assert np.array_equal(scipy.signal.convolve(x, w, mode), scipy.signal.convolve2d(x, w, mode))
            cases.append({"x": L(x), "w": L(w), "mode": mode, "flip": True, "out": L(scipy.signal.convolve(x, w, mode))})
            cases.append({"x": L(x), "w": L(w), "mode": mode, "flip": False, "out": L(scipy.signal.correlate(x, w, mode))})
    # stride, padding, dilation: PyTorch's conv (a cross-correlation); flip = conv with the reversed kernel
    for shape, kshape, s, p, d in [((9,), (3,), 2, 1, 1), ((10,), (2,), 3, 0, 2), ((7, 8), (3, 2), (2, 1), (1, 0), (1, 2)), ((6, 6), (2, 2), 2, 1, 2)]:
        x = torch.tensor(rng.integers(-3, 5, shape).astype(float))
        w = torch.tensor(rng.integers(-2, 3, kshape).astype(float))
        fn = F.conv1d if len(shape) == 1 else F.conv2d
        for flip in [False, True]:
            k = torch.flip(w, list(range(w.dim()))) if flip else w
            y = fn(x[None, None], k[None, None], stride=s, padding=p, dilation=d)[0, 0]
            cases.append({"x": x.tolist(), "w": w.tolist(), "mode": "valid", "flip": flip, "stride": s, "padding": p, "dilation": d, "out": y.tolist()})
    doc = {"numpy": np.__version__, "scipy": scipy.__version__, "torch": torch.__version__, "cases": cases}
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.replace(tmp, OUT)
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
