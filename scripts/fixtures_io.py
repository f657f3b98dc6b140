"""Writes test/fixtures/io/reference.safetensors with an implementation of the safetensors format
independent of convkit's (struct + json + numpy), following the reference writer's layout: tensors
sorted by dtype alignment (F64, F32, I32) then name, "__metadata__" first (keys sorted), compact
JSON, header padded with spaces to a multiple of 8. test/io_safetensors.test.ts loads this file and
checks that convkit writes the same tensors to the identical bytes.

Run: /usr/bin/python3 scripts/fixtures_io.py
"""
import json
import pathlib
import struct

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "io" / "reference.safetensors"

TENSORS = {
    "conv1.weight": np.arange(8, dtype="<f4").reshape(2, 1, 2, 2) * np.float32(0.25) - np.float32(1),
    "conv1.bias": np.array([0.1, -0.2], dtype="<f4"),
    "fc.b64": np.array([1 / 3, -0.0, 1e-310], dtype="<f8"),
    "steps": np.array(123456, dtype="<i4"),
    "labels": np.array([-(2**31), 2**31 - 1, 0], dtype="<i4"),
    "empty": np.zeros((0, 3), dtype="<f4"),
    "\u00fcn\u00efc\u00f8de": np.array([2.5], dtype="<f4"),
}
METADATA = {"format": "pt", "epoch": "7"}
CODE = {"f8": ("F64", 2), "f4": ("F32", 1), "i4": ("I32", 0)}


def main():
    items = sorted(TENSORS.items(), key=lambda kv: (-CODE[kv[1].dtype.str[1:]][1], kv[0].encode("utf-8")))
    header = {"__metadata__": dict(sorted(METADATA.items()))}
    offset = 0
    blobs = []
    for name, arr in items:
        blob = arr.tobytes()
        header[name] = {"dtype": CODE[arr.dtype.str[1:]][0], "shape": list(arr.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
