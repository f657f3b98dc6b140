#!/usr/bin/python3
"""Reference values for the MISSION.md items (test/mission.test.ts), computed independently with
PyTorch and numpy/scipy. Writes test/fixtures/mission/mission.json.

    /usr/bin/python3 scripts/gen_mission.py
"""
import json
import os

import numpy as np
import scipy.signal
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "mission", "mission.json")


def L(t):
    if isinstance(t, torch.Tensor):
        return t.detach().double().tolist()
    if isinstance(t, np.ndarray):
        return t.astype(np.float64).tolist()
    return t


def item2():
    """Output sizes from PyTorch layers (the floor rule), 1-d, 2-d and 3-d."""
    out = []
    for (shape, k, s, p, d) in [
        ((1, 1, 11, 10), 3, 2, 0, 1),  # 10 wide, 11 high, 3x3 stride 2
        ((1, 1, 11, 10), 3, 2, 1, 1),
        ((1, 1, 28, 28), 5, 1, 2, 1),
        ((1, 1, 32, 17), 3, 3, 1, 2),
    ]:
        y = F.conv2d(torch.zeros(shape), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d)
        out.append({"rank": 2, "input": list(shape), "k": k, "s": s, "p": p, "d": d, "out": list(y.shape)})
    for (shape, k, s, p, d) in [((1, 1, 10), 3, 2, 0, 1), ((1, 1, 100), 7, 3, 2, 2)]:
        y = F.conv1d(torch.zeros(shape), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d)
        out.append({"rank": 1, "input": list(shape), "k": k, "s": s, "p": p, "d": d, "out": list(y.shape)})
    for (shape, k, s, p, d) in [((1, 1, 9, 10, 11), 3, 2, 0, 1), ((1, 1, 16, 16, 16), 5, 2, 2, 1)]:
        y = F.conv3d(torch.zeros(shape), torch.zeros(1, 1, k, k, k), stride=s, padding=p, dilation=d)
        out.append({"rank": 3, "input": list(shape), "k": k, "s": s, "p": p, "d": d, "out": list(y.shape)})
    pools = []
    for (shape, k, s, p, ceil) in [((1, 1, 11, 10), 2, 2, 0, False), ((1, 1, 11, 10), 3, 2, 1, True), ((1, 1, 5, 5), 2, 2, 0, True)]:
        y = F.max_pool2d(torch.zeros(shape), k, stride=s, padding=p, ceil_mode=ceil)
        pools.append({"input": list(shape), "k": k, "s": s, "p": p, "ceil": ceil, "out": list(y.shape)})
    return {"conv": out, "pool": pools}


def item3():
    """Multi-channel 1-d convolution with stride 2: output, Jacobians and dLoss/dW."""
    torch.manual_seed(3)
    x = torch.randn(1, 2, 7, dtype=torch.float64)
    w = torch.randn(3, 2, 3, dtype=torch.float64)
    target = torch.randn(1, 3, 3, dtype=torch.float64)
    f = lambda x_, w_: F.conv1d(x_, w_, stride=2)
    y = f(x, w)
    jx = torch.autograd.functional.jacobian(lambda x_: f(x_, w), x)
    jw = torch.autograd.functional.jacobian(lambda w_: f(x, w_), w)
    w_ = w.clone().requires_grad_(True)
    loss = 0.5 * ((f(x, w_) - target) ** 2).sum()
    (gw,) = torch.autograd.grad(loss, w_)
    return {"x": L(x), "w": L(w), "target": L(target), "y": L(y), "jx": L(jx), "jw": L(jw), "loss": loss.item(), "dLdW": L(gw)}


def item4():
    """Gated recurrent cell trained by BPTT: gradients and per-step gradient norms."""
    torch.manual_seed(4)
    T, nx, nh = 6, 3, 4
    xs = torch.randn(T, nx, dtype=torch.float64)
    Wc = (0.5 * torch.randn(nh, nx, dtype=torch.float64)).requires_grad_(True)
    Wh = (0.5 * torch.randn(nh, nh, dtype=torch.float64)).requires_grad_(True)
    Wx = (0.5 * torch.randn(nh, nx, dtype=torch.float64)).requires_grad_(True)
    h0 = torch.zeros(nh, dtype=torch.float64)
    y = torch.randn(nh, dtype=torch.float64)
    hs = []
    h = h0
    for t in range(T):
        c = torch.sigmoid(Wc @ xs[t] + Wh @ h)
        h = c * h + (1 - c) * (Wx @ xs[t])
        h.retain_grad()
        hs.append(h)
    loss = 0.5 * ((h - y) ** 2).sum()
    loss.backward()
    return {
        "xs": L(xs), "Wc": L(Wc), "Wh": L(Wh), "Wx": L(Wx), "y": L(y),
        "h": [L(v) for v in hs], "loss": loss.item(),
        "gWc": L(Wc.grad), "gWh": L(Wh.grad), "gWx": L(Wx.grad),
        "gradNorms": [v.grad.norm().item() for v in hs],
    }


def item9():
    """2-d valid cross-correlation of a small integer image with a 2x2 kernel."""
    img = np.array([[1, 2, 0, 3], [4, 1, 2, 0], [0, 3, 1, 2], [2, 0, 4, 1]], dtype=np.float64)
    k = np.array([[1, -1], [2, 0]], dtype=np.float64)
    out = scipy.signal.correlate2d(img, k, mode="valid")
    t = F.conv2d(torch.tensor(img)[None, None], torch.tensor(k)[None, None])[0, 0].numpy()
    assert np.array_equal(out, t)
    return {"image": L(img), "kernel": L(k), "out": L(out)}


def item13():
    """3x128x128 input: conv 32 k8 s2 p3, max-pool 2, conv 64 k3 s1 p1."""
    c1 = torch.nn.Conv2d(3, 32, 8, stride=2, padding=3)
    c2 = torch.nn.Conv2d(32, 64, 3, stride=1, padding=1)
    x = torch.zeros(1, 3, 128, 128)
    a = c1(x)
    b = F.max_pool2d(a, 2)
    c = c2(b)
    return {
        "shapes": [list(a.shape[1:]), list(b.shape[1:]), list(c.shape[1:])],
        "scalars": [a[0].numel(), b[0].numel(), c[0].numel()],
        "params": [sum(p.numel() for p in c1.parameters()), 0, sum(p.numel() for p in c2.parameters())],
    }


def item8():
    """Parameter counts of PyTorch layers."""
    conv96 = torch.nn.Conv2d(3, 96, 5)
    fc = torch.nn.Linear(4 * 4 * 256, 4 * 4 * 256)
    conv = torch.nn.Conv2d(10, 20, 3)  # kernel (3,3,10,20) on a (48,64,10) input, valid, stride 1
    y = conv(torch.zeros(1, 10, 48, 64))
    return {
        "conv96": sum(p.numel() for p in conv96.parameters()),
        "fc": sum(p.numel() for p in fc.parameters()),
        "conv": {"params": sum(p.numel() for p in conv.parameters()), "out": list(y.shape[1:])},
    }


def item14():
    """numpy's full/valid/same convolution of [1,2,3,4] with [1,0,2] (and correlate)."""
    a, v = [1, 2, 3, 4], [1, 0, 2]
    return {m: {"convolve": L(np.convolve(a, v, m)), "correlate": L(np.correlate(a, v, m))} for m in ["full", "valid", "same"]}


def main():
    doc = {"torch": torch.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
           "item2": item2(), "item3": item3(), "item4": item4(), "item8": item8(), "item9": item9(),
           "item13": item13(), "item14": item14()}
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.replace(tmp, OUT)
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
