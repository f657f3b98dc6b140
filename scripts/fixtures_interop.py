"""Interop fixtures (test/interop_*.test.ts), made with Debian's PyTorch 1.13 and numpy, and the
checks that need Python (CI has none):

1. test/fixtures/interop/dtypes.safetensors: one tensor of every dtype PyTorch writes (F16, BF16,
   I64, U8, I8, I16, BOOL...), written by the independent writer below, with the expected values
   in dtypes.json.
2. test/fixtures/interop/<model>.safetensors: PyTorch state dicts (num_batches_tracked as I64, as
   torch stores it) of convkit's named models (digits, mnist-net, lenet) and of models with
   BatchNorm/LayerNorm and GRU/LSTM, trained a few steps so that the running statistics are not
   trivial; torch_models.json holds an input and PyTorch's output for each (eval mode).
3. The way back: `node scripts/interop_convkit.mjs DIR` (needs `npm run build` first) makes the
   same architectures in convkit, saves them as the CLI saves `model.safetensors`, and writes an
   input and convkit's output; this script loads every file into PyTorch with
   `load_state_dict(strict=True)` and asserts that PyTorch reproduces convkit's output. The
   largest difference seen is written to convkit_in_torch.json. The same script exports the
   cases of test/onnx_cases.ts with convkit's exportOnnx; every file must pass
   `onnx.checker.check_model(full_check=True)` (record: onnx_checker.json).
4. test/fixtures/interop/torch_onnx/: models exported by `torch.onnx.export` (opset 17), with an
   input, PyTorch's output, a cotangent R and the gradients of sum(output * R) with respect to the
   input and to every parameter that appears unchanged as an initializer (the fine-tuning step).
5. test/fixtures/onnx_node/: the ONNX project's own node test cases for the ops convkit imports,
   copied from Debian's libonnx-testdata (model.onnx, test_data_set_0/{input,output}_*.pb).

Run: npm run build && /usr/bin/python3 scripts/fixtures_interop.py
"""
import glob
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from fixtures.common import enc  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "interop")

# the reference implementation's dtype enum order (tensors are written in descending order)
RANK = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
TORCH_CODE = {
    torch.bool: "BOOL", torch.uint8: "U8", torch.int8: "I8", torch.int16: "I16", torch.float16: "F16",
    torch.bfloat16: "BF16", torch.int32: "I32", torch.float32: "F32", torch.float64: "F64", torch.int64: "I64",
}


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    arr = t.numpy()
    return arr.astype(arr.dtype.newbyteorder("<")).tobytes()


def write_safetensors(path, tensors, metadata=None):
    """An implementation of the format independent of convkit's (struct + json)."""
    items = sorted(tensors.items(), key=lambda kv: (-RANK.index(TORCH_CODE[kv[1].dtype]), kv[0].encode("utf-8")))
    header = {"__metadata__": dict(sorted(metadata.items()))} if metadata else {}
    offset, blobs = 0, []
    for name, t in items:
        blob = tensor_bytes(t)
        header[name] = {"dtype": TORCH_CODE[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    """Reads a safetensors file into torch tensors, checking the format's rules on the way."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert n <= 100_000_000 and data[8:9] == b"{", path
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    np_dtype = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "I64": "<i8"}
    at, out = 0, {}
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        b, end = e["data_offsets"]
        assert b == at, f"{path}: {name} starts at {b}, expected {at}"
        at = end
        arr = np.frombuffer(data[8 + n + b:8 + n + end], dtype=np_dtype[e["dtype"]]).reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    assert 8 + n + at == len(data), f"{path}: bytes after the last tensor"
    return out, meta


def dtype_fixture():
    g = torch.Generator().manual_seed(7)
    vals = {
        "f16": torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 6.0e-8, 1e-4, float("inf"), float("-inf")], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.140625, 1e30, -1e-30, 0.0], dtype=torch.bfloat16),
        "i64": torch.tensor([[0, -1], [2**31 - 1, -(2**31)]], dtype=torch.int64),
        "u8": torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
        "i8": torch.tensor([-128, -1, 0, 127], dtype=torch.int8),
        "i16": torch.tensor([-32768, 32767, 5], dtype=torch.int16),
        "bool": torch.tensor([True, False, True], dtype=torch.bool),
        "i32": torch.tensor([7], dtype=torch.int32),
        "f32": torch.randn(2, 3, generator=g),
        "f64": torch.randn(3, generator=g, dtype=torch.float64),
        "scalar": torch.tensor(5, dtype=torch.int64),
        "empty": torch.zeros(0, 4, dtype=torch.float16),
    }
    write_safetensors(os.path.join(OUT, "dtypes.safetensors"), vals, {"format": "pt"})
    expected = {}
    for k, t in vals.items():
        wide = t.to(torch.float64) if t.is_floating_point() else t.to(torch.int64)
        expected[k] = {"code": TORCH_CODE[t.dtype], "shape": list(t.shape), "data": [v if abs(v) != float("inf") else str(v) for v in wide.flatten().tolist()]}
    # out of int32's range: each must be rejected with the element named
    bad = {"big": torch.tensor([1, 2**31], dtype=torch.int64)}
    write_safetensors(os.path.join(OUT, "int64_overflow.safetensors"), bad)
    with open(os.path.join(OUT, "dtypes.json"), "w") as f:
        json.dump(expected, f, indent=1)


# ---- models: the same architectures as convkit's (src/models, test/interop_torch.test.ts) ----

def digits(k=10):
    return nn.Sequential(nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(512, 128), nn.ReLU(), nn.Linear(128, k))


def mnist_net(k=10):
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
                         nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, k))


def lenet(k=10):
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, k))


class Norms(nn.Module):
    """Conv, BatchNorm2d, pool, BatchNorm1d, Linear, LayerNorm: every normalisation with running state."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(128, 16)
        self.bn1 = nn.BatchNorm1d(16, momentum=None)
        self.ln = nn.LayerNorm(16)
        self.out = nn.Linear(16, 5)

    def forward(self, x):
        x = self.pool(F.relu(self.bn(self.conv(x))))
        x = self.ln(self.bn1(self.fc(torch.flatten(x, 1))))
        return self.out(F.relu(x))


class Recurrent(nn.Module):
    """A 2-layer GRU, an LSTM on its outputs, a Linear on the last step."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, num_layers=2)
        self.lstm = nn.LSTM(6, 5)
        self.fc = nn.Linear(5, 3)

    def forward(self, x):
        y, _ = self.gru(x)
        y, _ = self.lstm(y)
        return self.fc(y[-1])


MODELS = {
    "digits": (digits, [2, 1, 28, 28]),
    "mnist-net": (mnist_net, [2, 1, 28, 28]),
    "lenet": (lenet, [2, 1, 28, 28]),
    "norms": (Norms, [3, 3, 8, 8]),
    "recurrent": (Recurrent, [5, 2, 4]),
}


def torch_models():
    torch.manual_seed(1234)
    cases = {}
    for name, (ctor, shape) in MODELS.items():
        m = ctor()
        m.train()
        with torch.no_grad():
            for _ in range(3):  # moves BatchNorm's running statistics and counters off their start
                m(torch.randn(*shape) * 2 + 0.5)
        m.eval()
        x = torch.randn(*shape)
        with torch.no_grad():
            y = m(x)
        sd = m.state_dict()
        write_safetensors(os.path.join(OUT, f"{name}.safetensors"), sd, {"format": "pt"})
        cases[name] = {"keys": list(sd.keys()), "input": enc(x), "output": enc(y)}
    with open(os.path.join(OUT, "torch_models.json"), "w") as f:
        json.dump(cases, f)


def convkit_models_in_torch():
    """convkit's saved models must load into PyTorch strictly and give convkit's outputs."""
    report = {}
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["node", os.path.join(ROOT, "scripts", "interop_convkit.mjs"), d], check=True)
        with open(os.path.join(d, "cases.json")) as f:
            cases = json.load(f)
        for name, case in cases.items():
            sd, meta = read_safetensors(os.path.join(d, case["file"]))
            m = MODELS[name][0]()
            m.load_state_dict(sd, strict=True)
            m.eval()
            for k, v in m.state_dict().items():
                assert v.dtype == sd[k].dtype, f"{name}: {k} is {sd[k].dtype} in convkit's file, {v.dtype} in torch"
            x = torch.tensor(case["input"]["data"], dtype=torch.float32).reshape(case["input"]["shape"])
            with torch.no_grad():
                y = m(x)
            want = torch.tensor(case["output"]["data"], dtype=torch.float32).reshape(case["output"]["shape"])
            diff = (y - want).abs().max().item()
            assert diff <= 1e-4 * max(1.0, want.abs().max().item()), f"{name}: PyTorch differs from convkit by {diff}"
            report[name] = {"maxAbsDiff": diff, "metadata": meta}
            print(f"convkit {name} in PyTorch (strict): max |diff| {diff:.3g}")
        import onnx  # Debian python3-onnx 1.12

        checked = []
        for name in sorted(os.listdir(os.path.join(d, "onnx"))):
            model = onnx.load(os.path.join(d, "onnx", name))
            onnx.checker.check_model(model, full_check=True)
            checked.append(model.doc_string)
        print(f"ONNX checker (full_check) accepts all {len(checked)} exported cases")
    with open(os.path.join(OUT, "convkit_in_torch.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(OUT, "onnx_checker.json"), "w") as f:
        json.dump({"onnx": onnx.__version__, "checked": checked}, f, indent=1)


class PoolsAndNorms(nn.Module):
    """Ceil-mode pools, count_include_pad, a BatchNorm that torch cannot fold, LeakyReLU, GELU."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1, stride=1)
        self.avg = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.convt = nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)
        self.pool = nn.MaxPool2d(2, ceil_mode=True)
        self.fc = nn.Linear(3 * 4 * 4, 8)
        self.bn = nn.BatchNorm1d(8)
        self.ln = nn.LayerNorm(8)
        self.out = nn.Linear(8, 4)

    def forward(self, x):
        x = F.leaky_relu(self.avg(self.conv(x)), 0.1)
        x = self.pool(F.gelu(self.convt(x)))
        x = self.ln(F.relu(self.bn(self.fc(torch.flatten(x, 1)))))
        return torch.log_softmax(self.out(x), 1)


class Seq(nn.Module):
    """GRU then LSTM (batch first) then a Linear with sigmoid and tanh."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 5, batch_first=True)
        self.lstm = nn.LSTM(5, 4, num_layers=2, batch_first=True)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        y, _ = self.gru(x)
        y, _ = self.lstm(torch.tanh(y))
        return torch.sigmoid(self.fc(y))


TORCH_ONNX = {
    "digits": (digits, [2, 1, 28, 28]),
    "lenet": (lenet, [2, 1, 28, 28]),
    "pools_norms": (PoolsAndNorms, [2, 2, 7, 7]),
    "recurrent": (Seq, [2, 6, 3]),
    "depthwise": (lambda: nn.Sequential(nn.Conv2d(4, 4, 3, groups=4, dilation=2, padding=2), nn.Tanh(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Softmax(1)), [2, 4, 6, 6]),
}


def torch_onnx():
    d = os.path.join(OUT, "torch_onnx")
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(4321)
    cases = {}
    for name, (ctor, shape) in TORCH_ONNX.items():
        m = ctor()
        m.train()
        with torch.no_grad():
            for _ in range(2):
                m(torch.randn(*shape))
        m.eval()
        x = torch.randn(*shape)
        path = os.path.join(d, f"{name}.onnx")
        torch.onnx.export(m, (x,), path, opset_version=17, input_names=["input"], output_names=["output"])
        import onnx

        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        inits = {i.name for i in model.graph.initializer}
        xg = x.clone().requires_grad_(True)
        y = m(xg)
        R = torch.randn_like(y)
        m.zero_grad()
        (y * R).sum().backward()
        # torch 1.13 deduplicates initializers with equal values (e.g. a BatchNorm's and a
        # LayerNorm's fresh weights): the initializer then serves every such parameter, and its
        # gradient is the sum of theirs
        params = dict(m.named_parameters())
        grads = {}
        for k, p in params.items():
            if k not in inits:
                continue
            g = p.grad.clone()
            for k2, p2 in params.items():
                if k2 not in inits and p2.shape == p.shape and torch.equal(p2, p):
                    g += p2.grad
            grads[k] = enc(g)
        cases[name] = {"input": enc(x), "output": enc(y), "R": enc(R), "inputGrad": enc(xg.grad), "grads": grads,
                       "ops": sorted({n.op_type for n in model.graph.node})}
        print(f"torch.onnx.export {name}: ops {cases[name]['ops']}, {len(grads)} parameter gradients kept")
    with open(os.path.join(d, "cases.json"), "w") as f:
        json.dump(cases, f)


TESTDATA = "/usr/share/libonnx-testdata/data/node"
NODE_CASES = """abs add add_bcast averagepool_1d_default averagepool_2d_ceil averagepool_2d_default averagepool_2d_pads
averagepool_2d_pads_count_include_pad averagepool_2d_precomputed_pads averagepool_2d_precomputed_pads_count_include_pad
averagepool_2d_precomputed_same_upper averagepool_2d_precomputed_strides averagepool_2d_same_lower averagepool_2d_same_upper
averagepool_2d_strides averagepool_3d_default batchnorm_epsilon batchnorm_example clip clip_default_inbounds clip_default_max
clip_default_min clip_example clip_inbounds clip_outbounds clip_splitbounds concat_1d_axis_0 concat_2d_axis_1
concat_3d_axis_negative_2 constant constant_pad conv_with_autopad_same conv_with_strides_and_asymmetric_padding
conv_with_strides_no_padding conv_with_strides_padding convtranspose convtranspose_1d convtranspose_3d convtranspose_dilations
convtranspose_pad convtranspose_pads div div_bcast div_example elu
elu_default erf exp flatten_axis0 flatten_axis1 flatten_axis3 flatten_default_axis flatten_negative_axis1 gather_0 gather_1
gather_2d_indices gather_negative_indices gemm_all_attributes gemm_alpha gemm_beta gemm_default_matrix_bias
gemm_default_no_bias gemm_default_scalar_bias gemm_default_single_elem_vector_bias gemm_default_vector_bias
gemm_default_zero_bias gemm_transposeA gemm_transposeB globalaveragepool globalaveragepool_precomputed gru_defaults
gru_with_initial_bias identity layer_normalization_2d_axis0 layer_normalization_2d_axis_negative_1
layer_normalization_3d_axis1_epsilon layer_normalization_4d_axis_negative_2 layer_normalization_default_axis leakyrelu
leakyrelu_default log logsoftmax_axis_0 logsoftmax_axis_1 logsoftmax_default_axis logsoftmax_large_number lstm_defaults
lstm_with_initial_bias matmul_2d matmul_3d matmul_4d maxpool_1d_default maxpool_2d_ceil maxpool_2d_default
maxpool_2d_dilations maxpool_2d_pads maxpool_2d_precomputed_pads maxpool_2d_precomputed_same_upper
maxpool_2d_precomputed_strides maxpool_2d_same_lower maxpool_2d_same_upper maxpool_2d_strides maxpool_3d_default mul
mul_bcast neg pow pow_bcast_array pow_bcast_scalar reciprocal reduce_mean_default_axes_keepdims_example
reduce_mean_do_not_keepdims_random reduce_mean_keepdims_random reduce_mean_negative_axes_keepdims_random
reduce_sum_default_axes_keepdims_random reduce_sum_do_not_keepdims_random reduce_sum_keepdims_random
reduce_sum_empty_axes_input_noop_random relu reshape_extended_dims reshape_negative_dim reshape_one_dim
reshape_reordered_all_dims reshape_zero_and_negative_dim reshape_zero_dim shape shape_example sigmoid slice
slice_default_axes slice_default_steps slice_end_out_of_bounds slice_neg slice_neg_steps slice_negative_axes
slice_start_out_of_bounds softmax_axis_0 softmax_axis_1 softmax_default_axis softmax_large_number softmax_negative_axis
softplus softplus_example split_equal_parts_1d split_equal_parts_2d split_variable_parts_2d sqrt squeeze
squeeze_negative_axes sub sub_bcast tanh transpose_all_permutations_3 transpose_default unsqueeze_axis_0 unsqueeze_axis_3
unsqueeze_negative_axes unsqueeze_three_axes unsqueeze_unsorted_axes rnn_seq_length lstm_with_peepholes expand_dim_changed expand_dim_unchanged max_example min_example""".split()


# made at opsets below 11; these ops' semantics are unchanged up to 17, so the copy imports opset 13
OLD_OPSET = {"elu", "elu_default", "globalaveragepool", "globalaveragepool_precomputed", "softplus", "softplus_example"}
# refused with a typed error naming the attribute (test/onnx_import.test.ts checks the message)
REFUSED = ["convtranspose_kernel_shape", "convtranspose_autopad_same", "convtranspose_output_shape", "maxpool_with_argmax_2d_precomputed_pads", "batchnorm_example_training_mode", "dropout_default_mask"]


def onnx_node_cases():
    import onnx

    dst = os.path.join(ROOT, "test", "fixtures", "onnx_node")
    shutil.rmtree(dst, ignore_errors=True)
    for name in NODE_CASES:
        src = os.path.join(TESTDATA, f"test_{name}")
        os.makedirs(os.path.join(dst, name, "test_data_set_0"))
        if name in OLD_OPSET:
            model = onnx.load(os.path.join(src, "model.onnx"))
            model.opset_import[0].version = 13
            onnx.save(model, os.path.join(dst, name, "model.onnx"))
        else:
            shutil.copy(os.path.join(src, "model.onnx"), os.path.join(dst, name, "model.onnx"))
        for pb in glob.glob(os.path.join(src, "test_data_set_0", "*.pb")):
            shutil.copy(pb, os.path.join(dst, name, "test_data_set_0"))
    refused = os.path.join(ROOT, "test", "fixtures", "onnx_refused")
    shutil.rmtree(refused, ignore_errors=True)
    os.makedirs(refused)
    for name in REFUSED:
        shutil.copy(os.path.join(TESTDATA, f"test_{name}", "model.onnx"), os.path.join(refused, f"{name}.onnx"))
    print(f"copied {len(NODE_CASES)} ONNX node test cases and {len(REFUSED)} refused ones")


def main():
    os.makedirs(OUT, exist_ok=True)
    dtype_fixture()
    torch_models()
    convkit_models_in_torch()
    torch_onnx()
    onnx_node_cases()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
