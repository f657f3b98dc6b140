"""Writes test/fixtures/optim/{optimizers,schedulers}.json from torch 1.13's torch.optim.

Optimiser cases: a few parameters of different shapes and a fixed, stored sequence of gradients
(no model), the parameters after every step. Some steps give a parameter no gradient (None), to
check that it is skipped (and that its state is created lazily later). Scheduler cases: the lr of
every group after construction and after each of >= 30 steps (ReduceLROnPlateau: with a metric
sequence). test/optim.test.ts replays them.

Run: /usr/bin/python3 scripts/fixtures_optim.py
"""
import json
import math
import pathlib

import torch

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "optim"
SHAPES = [(2, 3), (4,), (1, 2, 2)]
STEPS = 6
DT = {"float32": torch.float32, "float64": torch.float64}

CAMEL = {
    "weight_decay": "weightDecay",
    "step_size": "stepSize",
    "T_max": "tMax",
    "eta_min": "etaMin",
    "threshold_mode": "thresholdMode",
    "min_lr": "minLr",
}


def camel(d):
    return {CAMEL.get(k, k): (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}


def enc(t):
    return [float(x) for x in t.detach().double().reshape(-1).tolist()]


def optimiser_case(name, cls, kwargs, dtype, *, groups=None, skip=(), seed=0):
    """groups: list of (param indices, extra group kwargs); skip: (step, param) pairs with no grad."""
    g = torch.Generator().manual_seed(seed)
    params = [torch.randn(s, generator=g, dtype=torch.float64).to(DT[dtype]).requires_grad_() for s in SHAPES]
    init = [enc(p) for p in params]
    grads = []
    for step in range(STEPS):
        row = []
        for i, s in enumerate(SHAPES):
            gr = (torch.randn(s, generator=g, dtype=torch.float64) * (1 + step) * 0.5).to(DT[dtype])
            row.append(None if (step, i) in skip else gr)
        grads.append(row)
    if groups is None:
        opt = cls(params, **kwargs)
    else:
        opt = cls([dict(params=[params[i] for i in idx], **extra) for idx, extra in groups], **kwargs)
    expected = []
    for row in grads:
        for p, gr in zip(params, row):
            p.grad = None if gr is None else gr.clone()
        opt.step()
        expected.append([enc(p) for p in params])
    return {
        "name": name,
        "optimizer": cls.__name__,
        "options": camel(kwargs),
        "groups": None if groups is None else [{"params": idx, **camel(extra)} for idx, extra in groups],
        "dtype": dtype,
        "shapes": [list(s) for s in SHAPES],
        "init": init,
        "grads": [[None if gr is None else enc(gr) for gr in row] for row in grads],
        "expected": expected,
    }


def optimiser_cases():
    cases = []
    sgd = [
        ("plain", dict(lr=0.1)),
        ("momentum", dict(lr=0.05, momentum=0.9)),
        ("momentum_dampening", dict(lr=0.05, momentum=0.9, dampening=0.3)),
        ("nesterov", dict(lr=0.05, momentum=0.8, nesterov=True)),
        ("weight_decay", dict(lr=0.1, weight_decay=0.01)),
        ("momentum_wd_nesterov", dict(lr=0.03, momentum=0.7, nesterov=True, weight_decay=0.05)),
        ("momentum_dampening_wd", dict(lr=0.03, momentum=0.5, dampening=0.5, weight_decay=0.1)),
        ("maximize", dict(lr=0.1, maximize=True)),
        ("maximize_momentum_wd", dict(lr=0.02, momentum=0.9, weight_decay=0.02, maximize=True)),
        ("maximize_nesterov", dict(lr=0.02, momentum=0.9, nesterov=True, maximize=True)),
    ]
    adam = [
        ("default", dict()),
        ("lr_betas_eps", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
        ("weight_decay", dict(lr=0.01, weight_decay=0.1)),
        ("amsgrad", dict(lr=0.01, amsgrad=True)),
        ("amsgrad_wd", dict(lr=0.02, amsgrad=True, weight_decay=0.05, betas=(0.5, 0.9))),
        ("maximize", dict(lr=0.01, maximize=True)),
        ("maximize_amsgrad_wd", dict(lr=0.01, maximize=True, amsgrad=True, weight_decay=0.01)),
        ("beta_zero", dict(lr=0.01, betas=(0.0, 0.0))),
    ]
    adamw = [
        ("default", dict()),
        ("lr_wd", dict(lr=0.01, weight_decay=0.1)),
        ("no_wd", dict(lr=0.01, weight_decay=0.0)),
        ("amsgrad", dict(lr=0.01, amsgrad=True, betas=(0.7, 0.95), eps=1e-7)),
        ("maximize", dict(lr=0.01, maximize=True)),
        ("maximize_amsgrad", dict(lr=0.02, maximize=True, amsgrad=True, weight_decay=0.05)),
    ]
    seed = 0
    for cls, table in ((torch.optim.SGD, sgd), (torch.optim.Adam, adam), (torch.optim.AdamW, adamw)):
        for label, kw in table:
            for dtype in ("float64", "float32"):
                seed += 1
                cases.append(optimiser_case(f"{cls.__name__}/{label}/{dtype}", cls, kw, dtype, seed=seed))
    # parameter groups with their own hyper-parameters, and steps where a parameter has no gradient
    skip = {(0, 1), (1, 1), (3, 0), (4, 2)}
    cases.append(optimiser_case("SGD/groups_skip/float64", torch.optim.SGD, dict(lr=0.1, momentum=0.9),
                                "float64", groups=[([0, 2], {}), ([1], dict(lr=0.01, nesterov=True))], skip=skip, seed=101))
    cases.append(optimiser_case("Adam/groups_skip/float64", torch.optim.Adam, dict(lr=0.01),
                                "float64", groups=[([0], dict(amsgrad=True)), ([1, 2], dict(lr=0.05, betas=(0.5, 0.6)))], skip=skip, seed=102))
    cases.append(optimiser_case("AdamW/groups_skip/float32", torch.optim.AdamW, dict(lr=0.01),
                                "float32", groups=[([2, 0], dict(weight_decay=0.3)), ([1], {})], skip=skip, seed=103))
    return cases


def scheduler_case(name, cls, args, kwargs, lrs, steps=40, metrics=None):
    params = [torch.zeros(1, requires_grad=True) for _ in lrs]
    opt = torch.optim.SGD([dict(params=[p], lr=lr) for p, lr in zip(params, lrs)], lr=lrs[0])
    sched = cls(opt, *args, **kwargs)
    out = [[g["lr"] for g in opt.param_groups]]
    for t in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[t])
        out.append(list(sched._last_lr))  # ReduceLROnPlateau has no get_last_lr() in 1.13
    return {"name": name, "scheduler": cls.__name__, "args": list(args), "options": camel(kwargs), "lrs": lrs,
            "metrics": metrics, "expected": out}


def scheduler_cases():
    S = torch.optim.lr_scheduler
    cases = [
        scheduler_case("StepLR/default", S.StepLR, [5], {}, [0.1, 0.03]),
        scheduler_case("StepLR/gamma", S.StepLR, [7], dict(gamma=0.5), [0.1, 0.05]),
        scheduler_case("StepLR/every", S.StepLR, [1], dict(gamma=0.9), [1.0]),
        scheduler_case("CosineAnnealingLR/default", S.CosineAnnealingLR, [10], {}, [0.1, 0.05], steps=45),
        scheduler_case("CosineAnnealingLR/eta_min", S.CosineAnnealingLR, [7], dict(eta_min=0.001), [0.1, 0.02], steps=40),
        scheduler_case("CosineAnnealingLR/long", S.CosineAnnealingLR, [30], dict(eta_min=1e-4), [0.3], steps=65),
    ]
    # metric sequences: improvements, plateaus, tiny (sub-threshold) improvements, recoveries
    down = [1.0, 0.9, 0.8, 0.8, 0.8, 0.8, 0.79995, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.6999, 0.7, 0.7, 0.5,
            0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.49, 0.49, 0.49, 0.49, 0.49, 0.49, 0.48, 0.48, 0.48, 0.48, 0.48]
    up = [-x for x in down]
    n = len(down)
    cases += [
        scheduler_case("ReduceLROnPlateau/default", S.ReduceLROnPlateau, [], {}, [0.1, 0.01], steps=n,
                       metrics=[1.0] + [1.0] * (n - 1)),
        scheduler_case("ReduceLROnPlateau/min_rel", S.ReduceLROnPlateau, [], dict(patience=2), [0.1, 0.01], steps=n, metrics=down),
        scheduler_case("ReduceLROnPlateau/min_rel_threshold", S.ReduceLROnPlateau, [], dict(patience=1, threshold=0.05),
                       [0.1], steps=n, metrics=down),
        scheduler_case("ReduceLROnPlateau/min_abs", S.ReduceLROnPlateau, [], dict(patience=1, threshold=0.05, threshold_mode="abs"),
                       [0.1], steps=n, metrics=down),
        scheduler_case("ReduceLROnPlateau/max_rel_cooldown", S.ReduceLROnPlateau, [],
                       dict(mode="max", patience=1, cooldown=3, factor=0.5), [0.1, 0.2], steps=n, metrics=up),
        scheduler_case("ReduceLROnPlateau/max_abs_cooldown", S.ReduceLROnPlateau, [],
                       dict(mode="max", patience=0, cooldown=2, factor=0.5, threshold=0.01, threshold_mode="abs"),
                       [0.1], steps=n, metrics=up),
        scheduler_case("ReduceLROnPlateau/min_lr", S.ReduceLROnPlateau, [], dict(patience=0, factor=0.5, min_lr=0.02),
                       [0.1, 0.3], steps=n, metrics=[1.0] * n),
        scheduler_case("ReduceLROnPlateau/min_lr_list_eps", S.ReduceLROnPlateau, [],
                       dict(patience=1, factor=0.3, min_lr=[0.001, 0.05], eps=1e-2), [0.1, 0.3], steps=n, metrics=[2.0] * n),
    ]
    return cases


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for fname, cases in (("optimizers.json", optimiser_cases()), ("schedulers.json", scheduler_cases())):
        path = OUT / fname
        path.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, allow_nan=False) + "\n")
        print(f"wrote {path} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
