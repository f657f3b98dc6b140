"""PyTorch fixtures for convkit.nn (test/nn.test.ts): modules built in torch, their state dicts,
an input, the output, and the gradients of sum(out * R) for a random R with respect to every
parameter and the input. Run: /usr/bin/python3 scripts/fixtures_nn.py
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from fixtures.common import enc  # noqa: E402

torch.manual_seed(1234)
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "nn", "nn.json")


def sd(m):
    return {k: enc(v) for k, v in m.state_dict().items()}


def flat_out(o):
    """Flattens a module output (tensor or nested tuples) into a list of tensors."""
    if isinstance(o, torch.Tensor):
        return [o]
    res = []
    for x in o:
        res += flat_out(x)
    return res


def enc_any(a):
    if a is None:
        return None
    if isinstance(a, (tuple, list)):
        return [enc_any(x) for x in a]
    return enc(a)


def run(name, ctor, m, args, train=True, setup=None):
    """ctor: how convkit builds it ({'type', 'args', 'options'}); args: forward inputs (tensors/None)."""
    if setup:
        setup(m)
    m.train(train)
    before = sd(m)
    ins = [a.clone().requires_grad_(True) if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in args]
    out = flat_out(m(*ins))
    Rs = [torch.randn_like(o) for o in out]
    loss = sum((o * r).sum() for o, r in zip(out, Rs))
    loss.backward()
    return {
        "name": name,
        "ctor": ctor,
        "train": train,
        "stateDict": before,
        "keys": list(m.state_dict().keys()),
        "args": [enc_any(a) for a in args],
        "out": [enc(o) for o in out],
        "R": [enc(r) for r in Rs],
        "paramGrads": {k: enc(p.grad) for k, p in m.named_parameters() if p.grad is not None},
        "inputGrads": [enc(a.grad) if isinstance(a, torch.Tensor) and a.grad is not None else None for a in ins],
        "stateAfter": {k: enc(v) for k, v in m.named_buffers()},
        "repr": repr(m),
    }


def randomize_bn(m):
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm)):
                if mod.weight is not None:
                    mod.weight.uniform_(0.5, 1.5)
                    mod.bias.uniform_(-0.5, 0.5)
                if getattr(mod, "running_mean", None) is not None:
                    mod.running_mean.uniform_(-0.5, 0.5)
                    mod.running_var.uniform_(0.5, 2.0)
                    mod.num_batches_tracked.fill_(3)


cases = []
cases.append(run("conv2d", {"type": "Conv2d", "args": [3, 4, 3], "options": {"stride": 2, "padding": 1}},
                 nn.Conv2d(3, 4, 3, stride=2, padding=1), [torch.randn(2, 3, 7, 7)]))
cases.append(run("conv2d_groups_nobias", {"type": "Conv2d", "args": [4, 6, [3, 2]], "options": {"groups": 2, "bias": False, "dilation": [1, 2], "paddingMode": "reflect", "padding": 1}},
                 nn.Conv2d(4, 6, (3, 2), groups=2, bias=False, dilation=(1, 2), padding_mode="reflect", padding=1), [torch.randn(2, 4, 6, 7)]))
cases.append(run("conv1d", {"type": "Conv1d", "args": [2, 3, 3], "options": {"padding": 2}}, nn.Conv1d(2, 3, 3, padding=2), [torch.randn(2, 2, 9)]))
cases.append(run("convTranspose2d", {"type": "ConvTranspose2d", "args": [3, 2, 3], "options": {"stride": 2, "padding": 1, "outputPadding": 1}},
                 nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1), [torch.randn(2, 3, 4, 4)]))
cases.append(run("linear", {"type": "Linear", "args": [5, 3], "options": {}}, nn.Linear(5, 3), [torch.randn(4, 5)]))
cases.append(run("linear_nobias", {"type": "Linear", "args": [5, 3], "options": {"bias": False}}, nn.Linear(5, 3, bias=False), [torch.randn(2, 4, 5)]))
cases.append(run("batchnorm2d_train", {"type": "BatchNorm2d", "args": [3], "options": {}}, nn.BatchNorm2d(3), [torch.randn(4, 3, 5, 5)], True, randomize_bn))
cases.append(run("batchnorm2d_eval", {"type": "BatchNorm2d", "args": [3], "options": {}}, nn.BatchNorm2d(3), [torch.randn(4, 3, 5, 5)], False, randomize_bn))
cases.append(run("batchnorm1d_train_momentum_none", {"type": "BatchNorm1d", "args": [3], "options": {"momentum": None}}, nn.BatchNorm1d(3, momentum=None), [torch.randn(6, 3)], True, randomize_bn))
cases.append(run("batchnorm1d_untracked", {"type": "BatchNorm1d", "args": [3], "options": {"trackRunningStats": False, "affine": False}}, nn.BatchNorm1d(3, track_running_stats=False, affine=False), [torch.randn(4, 3, 5)], False))
cases.append(run("layernorm", {"type": "LayerNorm", "args": [[4, 5]], "options": {}}, nn.LayerNorm([4, 5]), [torch.randn(3, 4, 5)], True, randomize_bn))


cases.append(run("conv3d", {"type": "Conv3d", "args": [2, 3, [2, 3, 2]], "options": {"stride": [1, 2, 1], "padding": [1, 0, 1]}},
                 nn.Conv3d(2, 3, (2, 3, 2), stride=(1, 2, 1), padding=(1, 0, 1)), [torch.randn(2, 2, 4, 5, 3)]))
cases.append(run("convTranspose1d", {"type": "ConvTranspose1d", "args": [4, 6, 3], "options": {"stride": 2, "groups": 2, "dilation": 2}},
                 nn.ConvTranspose1d(4, 6, 3, stride=2, groups=2, dilation=2), [torch.randn(2, 4, 5)]))
cases.append(run("seq1d", {"type": "Sequential", "layers": [
    {"type": "Conv1d", "args": [2, 4, 3], "options": {"padding": "same"}},
    {"type": "LeakyReLU", "args": [0.2]},
    {"type": "MaxPool1d", "args": [3], "options": {"stride": 2, "padding": 1, "ceilMode": True}},
    {"type": "GELU", "args": []},
    {"type": "Flatten", "args": []},
    {"type": "Sigmoid", "args": []},
    {"type": "Linear", "args": [20, 6], "options": {}},
    {"type": "Softmax", "args": [1]}]},
    nn.Sequential(nn.Conv1d(2, 4, 3, padding="same"), nn.LeakyReLU(0.2), nn.MaxPool1d(3, stride=2, padding=1, ceil_mode=True),
                  nn.GELU(), nn.Flatten(), nn.Sigmoid(), nn.Linear(20, 6), nn.Softmax(1)), [torch.randn(3, 2, 9)]))
cases.append(run("seq2d_pools", {"type": "Sequential", "layers": [
    {"type": "AvgPool2d", "args": [[3, 2]], "options": {"stride": [2, 1], "padding": [1, 0], "countIncludePad": False}},
    {"type": "AdaptiveAvgPool2d", "args": [[3, None]]},
    {"type": "MaxPool2d", "args": [2], "options": {"dilation": 1}},
    {"type": "Tanh", "args": []},
    {"type": "LogSoftmax", "args": [-1]}]},
    nn.Sequential(nn.AvgPool2d((3, 2), stride=(2, 1), padding=(1, 0), count_include_pad=False), nn.AdaptiveAvgPool2d((3, None)),
                  nn.MaxPool2d(2, dilation=1), nn.Tanh(), nn.LogSoftmax(-1)), [torch.randn(2, 3, 9, 8)]))


def mnist():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten(),
        nn.Linear(32, 16), nn.Tanh(), nn.Dropout(0.25), nn.Linear(16, 10), nn.LogSoftmax(dim=1))


cases.append(run("mnist_train", {"type": "mnist", "args": [], "options": {"dropout": 0.0}}, mnist(), [torch.randn(3, 1, 12, 12)], True,
                 lambda m: (randomize_bn(m), setattr(m[10], "p", 0.0))))
cases.append(run("mnist_eval", {"type": "mnist", "args": [], "options": {"dropout": 0.25}}, mnist(), [torch.randn(3, 1, 12, 12)], False, randomize_bn))

for mode in ["RNN", "GRU", "LSTM"]:
    for bf in [False, True]:
        cls = getattr(nn, mode)
        m = cls(3, 4, num_layers=2, batch_first=bf)
        x = torch.randn(2, 5, 3) if bf else torch.randn(5, 2, 3)
        if mode == "LSTM":
            h = (torch.randn(2, 2, 4), torch.randn(2, 2, 4))
            args = [x, h]
        else:
            args = [x, torch.randn(2, 2, 4)]
        c = run(f"{mode}_bf{int(bf)}", {"type": mode, "args": [3, 4], "options": {"numLayers": 2, "batchFirst": bf}}, m, [x])
        cases.append(c)
        # with an initial state: encode it separately
        m2 = cls(3, 4, num_layers=2, batch_first=bf)
        c2 = run(f"{mode}_bf{int(bf)}_h0", {"type": mode, "args": [3, 4], "options": {"numLayers": 2, "batchFirst": bf}}, m2, args)
        cases.append(c2)

cases.append(run("RNN_relu_unbatched", {"type": "RNN", "args": [3, 4], "options": {"nonlinearity": "relu", "bias": False}},
                 nn.RNN(3, 4, nonlinearity="relu", bias=False), [torch.randn(5, 3)]))
cases.append(run("GRUCell", {"type": "GRUCell", "args": [3, 4], "options": {}}, nn.GRUCell(3, 4), [torch.randn(2, 3), torch.randn(2, 4)]))
cases.append(run("RNNCell", {"type": "RNNCell", "args": [3, 4], "options": {}}, nn.RNNCell(3, 4), [torch.randn(2, 3), torch.randn(2, 4)]))
lc = nn.LSTMCell(3, 4)
hc = (torch.randn(2, 4), torch.randn(2, 4))
c = run("LSTMCell", {"type": "LSTMCell", "args": [3, 4], "options": {}}, lc, [torch.randn(2, 3), hc])
cases.append(c)

# LSTMCell's tuple arg is not a tensor: re-encode
x_l = torch.randn(2, 3)
lc2 = nn.LSTMCell(3, 4)
c = run("LSTMCell_state", {"type": "LSTMCell", "args": [3, 4], "options": {}}, lc2, [x_l])
cases.append(c)

# clip_grad_norm_
clip = []
for norm_type in [2.0, 1.0, float("inf"), 3.0]:
    for max_norm in [0.5, 100.0]:
        ps = [torch.randn(3, 4, requires_grad=True), torch.randn(5, requires_grad=True)]
        for p in ps:
            p.grad = torch.randn_like(p)
        before = [enc(p.grad) for p in ps]
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        clip.append({"normType": "inf" if norm_type == float("inf") else norm_type, "maxNorm": max_norm, "grads": before,
                     "total": total.item(), "after": [enc(p.grad) for p in ps]})

json.dump({"torch": torch.__version__, "cases": cases, "clip": clip}, open(OUT, "w"))
print("wrote", OUT, len(cases), "cases")

# bidirectional recurrent layers (torch's `_reverse` parameters), in their own file with their own
# seed so that nn.json stays as it was
torch.manual_seed(4321)
OUT_BIDIR = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "nn", "rnn_bidirectional.json")
bidir = []
for mode in ["RNN", "GRU", "LSTM"]:
    cls = getattr(nn, mode)
    for layers, bf in [(1, False), (2, True), (3, False)]:
        opts = {"numLayers": layers, "batchFirst": bf, "bidirectional": True}
        m = cls(3, 4, num_layers=layers, batch_first=bf, bidirectional=True)
        x = torch.randn(2, 5, 3) if bf else torch.randn(5, 2, 3)
        bidir.append(run(f"{mode}_bidirectional_l{layers}_bf{int(bf)}", {"type": mode, "args": [3, 4], "options": opts}, m, [x]))
    # with initial states (num_layers * 2 directions), and unbatched
    m = cls(3, 4, num_layers=2, bidirectional=True)
    x = torch.randn(6, 2, 3)
    h = torch.randn(4, 2, 4)
    state = (h, torch.randn(4, 2, 4)) if mode == "LSTM" else h
    bidir.append(run(f"{mode}_bidirectional_h0", {"type": mode, "args": [3, 4], "options": {"numLayers": 2, "bidirectional": True}}, m, [x, state]))
    m = cls(3, 4, bidirectional=True)
    bidir.append(run(f"{mode}_bidirectional_unbatched", {"type": mode, "args": [3, 4], "options": {"bidirectional": True}}, m, [torch.randn(4, 3)]))
json.dump({"torch": torch.__version__, "cases": bidir}, open(OUT_BIDIR, "w"))
print("wrote", OUT_BIDIR, len(bidir), "cases")
