# Fits the polynomial P of assembly/mathf4.ts's normal-distribution helper (gelu):
#   erfc(z)·exp(z²) ≈ t·P(t),  t = 1/(1 + z/2),  0 <= z <= 10.5,
# for a small maximum relative error (Lawson's iteratively re-weighted least squares on Chebyshev
# nodes in t, a near-minimax fit), and prints the coefficients c0..c10 of P (increasing powers).
# Run with Debian's /usr/bin/python3 (numpy); the output is pasted into assembly/mathf4.ts.
import math

import numpy as np

P, DEG, ZMAX, NODES = 0.5, 10, 10.5, 4000


def scaled_erfc(z):
    return np.array([math.erfc(v) * math.exp(v * v) for v in z])


tmin = 1 / (1 + P * ZMAX)
k = np.arange(NODES)
t = (1 + tmin) / 2 + (1 - tmin) / 2 * np.cos(np.pi * (k + 0.5) / NODES)
z = (1 / t - 1) / P
y = scaled_erfc(z) / t
w = 1 / np.abs(y)
V = np.vander(t, DEG + 1, increasing=True)
ww = np.ones_like(t)
for _ in range(60):
    c, *_ = np.linalg.lstsq(V * (w * ww)[:, None], y * w * ww, rcond=None)
    e = np.abs(V @ c - y) * w
    ww = ww * (e / e.max()) ** 0.5 + 1e-12
    ww /= ww.sum()
zs = np.linspace(0, ZMAX, 400001)
ts = 1 / (1 + P * zs)
rel = np.abs(np.polyval(c[::-1], ts) * ts / scaled_erfc(zs) - 1).max()
print(f'// max relative error of t·P(t) on [0, {ZMAX}]: {rel:.3g}')
print(', '.join(repr(float(v)) for v in c))
