"""Runs the PyTorch companion for test/python/companion.test.ts in one process (importing torch
once): trains each job's config and writes its model folder, checks the companion's cell
equations against torch.nn's own fused modules, and collects its refusals.

    python3 test/python/companion_driver.py JOBS.json RESULTS.json
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import tbptt_torch as tt  # noqa: E402


def train_job(job):
    config = tt.load_config(job["config"], list(job.get("overrides", {}).items()))
    data = tt.load_data(config)
    net = tt.build_model(config, data)
    result = tt.train(config, data, net)
    tt.save_model(job["out"], net, config, data)
    return {"updates": result.updates}


def cell_check(spec):
    """The companion's per-step equations (run_layer) against the module's fused forward over a
    whole batch of sequences with no resets, masks or cuts: the largest difference."""
    torch.manual_seed(spec["seed"])
    net = tt.TbpttNet(spec["cell"], 3, 5, spec["layers"], 2, spec["bidirectional"], spec["projSize"], torch.float64)
    T, B = 6, 2
    x = torch.randn(T, B, 3, dtype=torch.float64)
    R = net.state_width
    u = tt.UpdateInputs(
        lanes=1, history=0, x=x, active=torch.ones(T, B, dtype=torch.bool),
        reset=torch.zeros(T, B, dtype=torch.bool), cut=torch.zeros(T, B, dtype=torch.bool),
        enter=[(torch.zeros(B, R, dtype=torch.float64), torch.zeros(B, 5, dtype=torch.float64))] * spec["layers"],
        stored=[{}] * spec["layers"], loss_tick=None, loss_row=None, loss_first=None, labels=None, scale=1.0)
    X = x
    with torch.no_grad():
        for layer in range(spec["layers"]):
            fwd = tt.run_layer(net, layer, X, u)
            X = torch.cat([fwd, tt.run_layer(net, layer, X, u, reverse=True)], 2) if spec["bidirectional"] else fwd
        reference, _ = net.rnn(x)
    return float((X - reference).abs().max())


def refusal(config):
    try:
        tt.refuse_unsupported(tt._merge(tt._DEFAULTS, config))
    except tt.ConfigError as e:
        return str(e)
    return None


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        jobs = json.load(f)
    results = {
        "train": {name: train_job(job) for name, job in jobs.get("train", {}).items()},
        "cells": {name: cell_check(spec) for name, spec in jobs.get("cells", {}).items()},
        "refusals": {name: refusal(config) for name, config in jobs.get("refusals", {}).items()},
    }
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
