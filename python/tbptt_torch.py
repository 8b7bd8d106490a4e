#!/usr/bin/env python3
"""tbptt_torch: tbptt's TBPTT(k1, k2) schedules on PyTorch, for training on more than one machine.

A companion to the tbptt package (docs/scale.md), depending only on PyTorch. It reads a
tbptt training config and its data (JSON Lines or the binary form, docs/data.md), builds
the network from torch.nn.LSTM / GRU / RNN and torch.nn.Linear under tbptt's parameter
names (``rnn.weight_ih_l0`` ... ``out.bias``, docs/safetensors.md), and trains it with the
config's schedule exactly as ``tbptt train`` does (the contract is docs/schedule.md):
k1, k2, window or per-loss truncation, resets, flush, sum or mean, aligned or packed
streams, then tbptt's optimizers, clipping and learning-rate schedules. Under
torchrun it runs DistributedDataParallel, the B streams sharded across the workers.

    python3 python/tbptt_torch.py train CONFIG.json [--key.path VALUE ...] [--out DIR]
    torchrun --nproc_per_node 2 python/tbptt_torch.py train CONFIG.json --out DIR
    (PyTorch 1.13's torchrun on Python 3.11 also needs --redirects 1 --tee 1: docs/scale.md)

How an update is computed. tbptt back-propagates each update through stored activations
with the current parameters (docs/schedule.md, decision 9): when k2 > k1 a window reaches
back into steps forwarded under older parameters. Here every update builds one autograd
graph over its sweep (the earliest step any of its losses reaches, to t), with the state
entering the sweep held constant. Over the update's own steps the graph is the forward
pass itself. Over the earlier steps it is recomputed with the current parameters, and
each linear map's output is pinned to its stored value, v = v_stored + (v - v.detach()):
the values are the stored activations and the derivatives take the current weights,
which is what tbptt computes. Per-loss truncation rides L = min(k1, k2) lanes, extra
rows of the same graph (tbptt's own trick, docs/architecture.md): loss s sits on lane
s mod L and that lane's state is detached where s's horizon begins. So every update is
one forward and one backward, which is what DistributedDataParallel expects.

The cell equations are torch.nn's (the LSTM's gates i, f, g, o and proj_size, the GRU's
r, z, n with the reset gate after the recurrent product, the tanh RNN); they are written
out per step, over the module's own parameters, because resets, masks and cuts fall
between steps and differ per stream; test/python checks run_layer against the modules'
fused forward.
"""
from __future__ import annotations

import json
import math
import os
import struct
import sys
import time
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

INF = math.inf
M32 = 0xFFFFFFFF


class ConfigError(ValueError):
    """A config or data problem the user must fix: the message names the key, file or line."""


# ---------------------------------------------------------------------------------------
# safetensors, framed by hand (Debian's torch has no safetensors package)
# ---------------------------------------------------------------------------------------

_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}
_NAMES = {v: k for k, v in _DTYPES.items()}


def read_safetensors(path):
    """Returns ({name: tensor}, metadata) of a safetensors file; errors name the file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ConfigError(f"{path}: not a safetensors file: {len(data)} bytes")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ConfigError(f"{path}: safetensors header length {n} reaches beyond the file")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ConfigError(f"{path}: safetensors header is not valid JSON ({e})") from None
    metadata = header.pop("__metadata__", None) or {}
    tensors = {}
    for name, info in header.items():
        dtype = _DTYPES.get(info.get("dtype"))
        if dtype is None:
            raise ConfigError(f"{path}: tensor {name!r}: unsupported dtype {info.get('dtype')!r}")
        begin, end = info["data_offsets"]
        raw = bytearray(data[8 + n + begin:8 + n + end])
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(info["shape"])
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} in the given order, atomically (a temporary file renamed over path)."""
    header = {"__metadata__": metadata} if metadata else {}
    blobs, offset = [], 0
    for name, t in tensors.items():
        raw = t.detach().cpu().contiguous().numpy().tobytes()
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    write_atomic(path, struct.pack("<Q", len(text)) + text + b"".join(blobs))


def write_atomic(path, data):
    """Writes bytes to a temporary file beside path, fsyncs and renames it over path."""
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------
# tbptt's seeded generator (xoshiro128**, seeded by SplitMix32; src/core/random.ts), so
# the shuffle order and the initial weights are tbptt's own
# ---------------------------------------------------------------------------------------

def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Rng:
    def __init__(self, seed):
        x = int(seed) & M32
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & M32
            z = ((x ^ (x >> 16)) * 0x85EBCA6B) & M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
            s.append(z ^ (z >> 16))
        if not any(s):
            s[0] = 1
        self.s = s
        self.spare = None

    def next_uint32(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        self.s = [s0, s1, s2, _rotl(s3, 11)]
        return result

    def next(self):
        hi = self.next_uint32() >> 5
        lo = self.next_uint32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992

    def uniform(self, low, high):
        return low + (high - low) * self.next()

    def normal(self):
        if self.spare is not None:
            v, self.spare = self.spare, None
            return v
        u = 0.0
        while u == 0.0:
            u = self.next()
        v = self.next()
        radius = math.sqrt(-2 * math.log(u))
        self.spare = radius * math.sin(2 * math.pi * v)
        return radius * math.cos(2 * math.pi * v)

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = math.floor(self.next() * (i + 1))
            items[i], items[j] = items[j], items[i]
        return items


# ---------------------------------------------------------------------------------------
# The config: tbptt's keys and defaults (src/train/config.ts, docs/config.md); what the
# companion cannot run is refused by name
# ---------------------------------------------------------------------------------------

_DEFAULTS = {
    "task": "sequences",
    "model": {"cell": "lstm", "hiddenSize": 32, "layers": 1, "bidirectional": False, "peepholes": False,
              "projSize": 0, "gradient": "full",
              "init": {"scheme": "pytorch", "orthogonal": False, "forgetBias": 0}},
    "schedule": {"k1": INF, "k2": INF, "truncation": "window", "reset": "sequence", "flush": True,
                 "reduction": "sum", "layout": "aligned", "outputUpdate": "k1"},
    "optimizer": {"type": "sgd", "lr": 0.01},
    "streams": 1, "seed": 1, "epochs": 10, "shuffle": True, "out": "runs/latest", "maxBadUpdates": 10,
    "dtype": "float32", "data": {"normalise": False},
}
_TOP_KEYS = {"task", "description", "model", "schedule", "optimizer", "lrSchedule", "clip", "noise", "streams",
             "validStreams", "data", "init", "seed", "epochs", "shuffle", "out", "earlyStopping", "maxUpdates",
             "maxSeconds", "checkpointEvery", "logEvery", "maxBadUpdates", "dtype", "backend", "maxSteps",
             "validateEvery", "validateAtStart"}
_PATH_KEYS = ("data.train", "data.valid", "data.test", "data.cache", "init")


def _merge(defaults, given):
    out = dict(defaults)
    for k, v in given.items():
        out[k] = _merge(defaults[k], v) if isinstance(v, dict) and isinstance(defaults.get(k), dict) else v
    return out


def _steps(value, key):
    if value is None or (isinstance(value, str) and value.lower() in ("infinity", "inf", "∞")) or value == INF:
        return INF
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{key}: expected an integer ≥ 1 or \"Infinity\", got {json.dumps(value)}")
    return value


def _reset(value):
    if value in ("sequence", "never"):
        return value
    if isinstance(value, str) and value.startswith(("every:", "every=")) and value[6:].isdigit():
        value = {"every": int(value[6:])}
    if isinstance(value, dict) and set(value) == {"every"} and isinstance(value["every"], int) and value["every"] >= 1:
        return {"every": value["every"]}
    raise ConfigError(f"schedule.reset: expected \"sequence\", \"never\" or {{\"every\": N}}, got {json.dumps(value)}")


def _relative_path(value):
    return isinstance(value, str) and value and ":" not in value.split("/")[0] and not os.path.isabs(value)


def _resolve_paths(raw, base, keys=_PATH_KEYS):
    for key in keys:
        *parents, leaf = key.split(".")
        node = raw
        for p in parents:
            node = node.get(p) if isinstance(node, dict) else None
        if isinstance(node, dict) and _relative_path(node.get(leaf)):
            node[leaf] = os.path.join(base, node[leaf])


def apply_overrides(raw, overrides):
    """`--a.b VALUE` as tbptt's CLI reads it: VALUE as JSON where it parses, else a string
    (a value that is not a string is taken as it is)."""
    for path, value in overrides:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                pass
        *parents, leaf = path.split(".")
        node = raw
        for p in parents:
            if not isinstance(node.get(p), dict):
                node[p] = {}
            node = node[p]
        node[leaf] = value
    return raw


def load_config(source, overrides=()):
    """A tbptt config (a file or a dict) with overrides, defaults filled in and checked.
    Paths in a file are relative to its folder; paths given as overrides to the working directory."""
    if isinstance(source, dict):
        raw, where = json.loads(json.dumps(source)), "config"
    else:
        where = source
        try:
            with open(source, encoding="utf-8") as f:
                raw = json.load(f)
        except FileNotFoundError:
            raise ConfigError(f"{source}: no such config file") from None
        except json.JSONDecodeError as e:
            raise ConfigError(f"{source}: invalid JSON: {e}") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"{source}: expected a JSON object")
        _resolve_paths(raw, os.path.dirname(os.path.abspath(source)))
    overrides = list(overrides)
    apply_overrides(raw, overrides)
    _resolve_paths(raw, os.getcwd(), [k for k in _PATH_KEYS if any(o[0] == k for o in overrides)])
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (valid: {', '.join(sorted(_TOP_KEYS))})")
    config = _merge(_DEFAULTS, raw)
    s = config["schedule"]
    s["k1"], s["k2"] = _steps(s["k1"], "schedule.k1"), _steps(s["k2"], "schedule.k2")
    s["reset"] = _reset(s["reset"])
    for key, allowed in (("truncation", ("window", "per-loss")), ("reduction", ("sum", "mean")),
                         ("layout", ("aligned", "packed"))):
        if s[key] not in allowed:
            raise ConfigError(f"schedule.{key}: expected one of {', '.join(allowed)}, got {json.dumps(s[key])}")
    if s["truncation"] == "window" and s["k2"] < s["k1"]:
        raise ConfigError(f"schedule: truncation \"window\" needs k2 ≥ k1, got k1 = {s['k1']}, k2 = {s['k2']}; "
                          "for k2 < k1 use truncation \"per-loss\"")
    refuse_unsupported(config, where)
    return config


def refuse_unsupported(config, where="config"):
    """Raises ConfigError listing every setting the companion cannot run exactly, and why."""
    m, s, problems = config["model"], config["schedule"], []
    if config["task"] != "sequences":
        problems.append(f"task \"{config['task']}\": the companion reads the sequences task's files (JSON Lines "
                        "or binary); write the task's sequences to one (docs/scale.md) or hand tensors to train()")
    train = config["data"].get("train")
    if isinstance(train, str) and train.split(":")[0] in ("memory", "synthetic"):
        problems.append(f"data.train \"{train}\": tbptt generates this set; write it to a file with tbptt's "
                        "writeLabelledBinary and name that file")
    if m["cell"] not in ("lstm", "gru", "rnn"):
        problems.append(f"model.cell \"{m['cell']}\": not a torch.nn recurrent module (lstm, gru or rnn)")
    if m.get("peepholes"):
        problems.append("model.peepholes: torch.nn.LSTM has no peephole connections")
    if m.get("nonlinearity", "tanh") != "tanh":
        problems.append(f"model.nonlinearity \"{m['nonlinearity']}\": torch.nn.RNN has tanh and relu only")
    if m.get("gradient", "full") != "full":
        problems.append(f"model.gradient \"{m['gradient']}\": autograd computes the full gradient only")
    if (m.get("output") or {}).get("kind") == "class-softmax":
        problems.append("model.output.kind \"class-softmax\": rnnlm's class-factorised output has no torch.nn module")
    if m.get("projSize", 0) and m["cell"] != "lstm":
        problems.append("model.projSize: only an LSTM has a projection")
    if s["outputUpdate"] != "k1":
        problems.append(f"schedule.outputUpdate \"{s['outputUpdate']}\": the output layer changes at each update only")
    noise = config.get("noise") or {}
    if noise.get("weight") or noise.get("input"):
        problems.append("noise: tbptt draws it from its own generator per value; the companion adds none")
    if config.get("earlyStopping"):
        problems.append("earlyStopping: the companion runs no validation; train a fixed budget and evaluate "
                        "the saved model with `tbptt eval`")
    if m.get("bidirectional") and not (s["k1"] == INF and s["k2"] == INF and s["truncation"] == "window"
                                       and s["reset"] == "sequence" and s["layout"] == "aligned" and s["flush"]):
        problems.append("model.bidirectional: trains with k1 = k2 = Infinity, truncation window, reset sequence, "
                        "layout aligned, flush on (as tbptt)")
    if config["dtype"] not in ("float32", "float64"):
        problems.append(f"dtype \"{config['dtype']}\": float32 or float64")
    if problems:
        raise ConfigError(f"{where}: the companion cannot run this config exactly:\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------------------------------
# Data: tbptt's labelled sequences (src/data/jsonl.ts, binary.ts, targets.ts, labelled.ts)
# ---------------------------------------------------------------------------------------

@dataclass
class Sequence:
    """One sequence as tbptt holds it: x (T, I) float32 values, labels (T,) with −1 where a step
    has no loss (0 marks a step with a real-valued target), targets (T, D) for real values."""
    x: torch.Tensor
    labels: torch.Tensor
    targets: torch.Tensor | None = None
    id: str = ""

    def __len__(self):
        return int(self.labels.shape[0])


@dataclass
class TrainData:
    """What the trainer needs: the sequences, sizes and the output head (kind, per)."""
    sequences: list
    input_size: int
    output_size: int
    kind: str = "softmax"
    per: str = "frame"
    classes: list | None = None
    normalisation: dict | None = None
    target_normalisation: dict | None = None


def _utf16_key(s):
    return s.encode("utf-16-be")  # JavaScript's sort order: UTF-16 code units


def read_labelled_file(path, form=None):
    """Reads JSON Lines or the binary form (told apart by the first byte, as tbptt does).
    Returns (sequences, input_size, classes, (kind, per), target_size)."""
    if not os.path.exists(path):
        raise ConfigError(f"{path}: no such file")
    with open(path, "rb") as f:
        head = f.read(64).lstrip(b" \t\r\n")
    if head[:1] == b"{":
        return _read_jsonl(path, form)
    return _read_binary(path)


def _read_jsonl(path, form):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            at = f"{path}:{line_no}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise ConfigError(f"{at}: invalid JSON: {e}") from None
            if not isinstance(row, dict) or not isinstance(row.get("x"), list) or not row["x"]:
                raise ConfigError(f"{at}: expected an object with \"x\": a non-empty array of frames")
            if "y" not in row:
                raise ConfigError(f"{at}: \"y\" is missing (labels or targets)")
            rows.append((at, row))
    if not rows:
        raise ConfigError(f"{path}: no sequences (the file is empty)")
    first_y = rows[0][1]["y"]
    if form is None:
        if isinstance(first_y, (str, int, float)) and not isinstance(first_y, bool):
            form = ("softmax", "sequence")
        elif isinstance(first_y, list) and first_y and isinstance(first_y[0], list):
            form = ("mse", "frame")
        else:
            form = ("softmax", "frame")
    kind, per = form
    dim = len(rows[0][1]["x"][0])
    strings = kind == "softmax" and isinstance(first_y if per == "sequence" else (first_y or [None])[0], str)
    classes = None
    if strings:
        names = set()
        for at, r in rows:
            names.update([r["y"]] if per == "sequence" else r["y"])
            if not all(isinstance(n, str) for n in names):
                raise ConfigError(f"{at}: labels must be all strings or all class indices")
        classes = sorted(names, key=_utf16_key)
    index = {c: i for i, c in enumerate(classes or [])}
    sequences, target_size = [], 0
    for at, r in rows:
        x = r["x"]
        if any(not isinstance(frame, list) or len(frame) != dim for frame in x):
            raise ConfigError(f"{at}: ragged features: every frame must have {dim} numbers")
        T, y, mask = len(x), r["y"], r.get("mask")
        if mask is not None and (per == "sequence" or len(mask) != T):
            raise ConfigError(f"{at}: \"mask\" must hold one 0/1 per frame (and only with a label per frame)")
        labels = torch.full((T,), -1, dtype=torch.int64)
        targets = None
        steps = range(T) if per == "frame" else [T - 1]
        values = y if per == "frame" else [y]
        if per == "frame" and (not isinstance(y, list) or len(y) != T):
            raise ConfigError(f"{at}: expected {T} labels or targets in \"y\", one per frame")
        if kind == "mse":
            target_size = target_size or len(values[0])
            if any(not isinstance(v, list) or len(v) != target_size for v in values):
                raise ConfigError(f"{at}: every target must hold {target_size} numbers")
            targets = torch.zeros(T, target_size, dtype=torch.float32)
        for t, v in zip(steps, values):
            if mask is not None and not mask[t]:
                continue
            if kind == "mse":
                targets[t] = torch.tensor(v, dtype=torch.float64).float()
                labels[t] = 0
            elif strings:
                if v not in index:
                    raise ConfigError(f"{at}: label {json.dumps(v)}: labels must be all strings or all class indices")
                labels[t] = index[v]
            elif isinstance(v, int) and not isinstance(v, bool) and v >= 0:
                labels[t] = v
            else:
                raise ConfigError(f"{at}: label {json.dumps(v)}: expected a class index (integer ≥ 0) or a string")
        features = torch.tensor(x, dtype=torch.float64).float()
        if not torch.isfinite(features).all():
            raise ConfigError(f"{at}: features must be finite numbers (NaN and Infinity are not JSON)")
        sequences.append(Sequence(features, labels, targets, r.get("id", at)))
    return sequences, dim, classes, (kind, per), target_size


def _read_binary(path):
    tensors, metadata = read_safetensors(path)
    for name in ("features", "labels", "lengths"):
        if name not in tensors:
            raise ConfigError(f"{path}: missing tensor \"{name}\" (a tbptt dataset has features, labels, lengths)")
    meta = json.loads(metadata.get("tbptt.dataset", "{}"))
    features, labels = tensors["features"].float(), tensors["labels"].long()
    targets = tensors["targets"].float() if "targets" in tensors else None
    ids, sequences, at = meta.get("ids") or [], [], 0
    for i, T in enumerate(tensors["lengths"].tolist()):
        sequences.append(Sequence(features[at:at + T], labels[at:at + T],
                                  targets[at:at + T] if targets is not None else None,
                                  ids[i] if i < len(ids) else f"{path}#{i}"))
        at += T
    form = ("mse" if targets is not None else "softmax", meta.get("per", "frame"))
    return sequences, int(features.shape[1]), meta.get("classes"), form, int(targets.shape[1]) if targets is not None else 0


def _mean_std(rows):
    """Per-dimension mean and standard deviation as tbptt computes them (sequential float64
    sums; a constant dimension keeps std 1). rows: (N, D) float tensor."""
    rows = rows.double()
    n = max(1, rows.shape[0])
    total = torch.cumsum(rows, 0)[-1] if rows.shape[0] else torch.zeros(rows.shape[1], dtype=torch.float64)
    squares = torch.cumsum(rows * rows, 0)[-1] if rows.shape[0] else total
    mean = [float(v) / n for v in total]
    std = []
    for i, v in enumerate(squares):
        variance = float(v) / n - mean[i] ** 2
        std.append(math.sqrt(variance) if variance > 1e-12 else 1.0)
    return {"mean": mean, "std": std}


def load_data(config):
    """The config's training data as tbptt's sequences task prepares it (labelledTaskData)."""
    m = config["model"]
    if not config["data"].get("train"):
        raise ConfigError("config: data.train: required (the training data), unless you hand train() the sequences")
    asked = m.get("output") or {}
    form = (asked["kind"], asked["per"]) if asked.get("kind") and asked.get("per") else None
    sequences, dim, classes, (kind, per), target_size = read_labelled_file(config["data"]["train"], form)
    for key, value in (("kind", kind), ("per", per)):
        if asked.get(key) not in (None, value):
            raise ConfigError(f"{config['data']['train']}: model.output.{key} is \"{asked[key]}\", the data holds {value}")
    if m.get("inputSize") not in (None, dim):
        raise ConfigError(f"config: model.inputSize is {m['inputSize']}, but the data has {dim} features")
    if kind == "mse":
        output_size = target_size
    else:
        output_size = m.get("outputSize") or (len(classes) if classes else 1 + max(int(s.labels.max()) for s in sequences))
    if kind == "softmax" and any(int(s.labels.max()) >= output_size for s in sequences):
        raise ConfigError(f"{config['data']['train']}: a label is outside model.outputSize = {output_size}")
    data = TrainData(sequences, dim, output_size, kind, per, classes)
    if kind == "mse" and config["data"].get("normaliseTargets", True) is not False:
        rows = [s.targets[s.labels >= 0] for s in sequences]
        data.target_normalisation = _mean_std(torch.cat(rows))
    if config["data"].get("normalise"):
        norm = _mean_std(torch.cat([s.x for s in sequences]))
        mean = torch.tensor(norm["mean"], dtype=torch.float64)
        std = torch.tensor(norm["std"], dtype=torch.float64)
        for s in sequences:
            s.x = ((s.x.double() - mean) / std).float()
        data.normalisation = norm
    return data


# ---------------------------------------------------------------------------------------
# The planner: which steps each update forwards, where resets fall, how far back each loss
# reaches (a transcription of src/engine/planner.ts; docs/schedule.md, "Decisions")
# ---------------------------------------------------------------------------------------

@dataclass
class Tick:
    time: int
    steps: list  # per stream: (sequence, position, reset) or None where the stream is masked


@dataclass
class Plan:
    index: int
    time: int
    previous: int
    ticks: list
    window_start: list
    loss_start: list  # per tick, per stream: the first step that tick's loss reaches, −1: no step
    sweep_start: int
    backward_steps: int


class Planner:
    def __init__(self, schedule, streams, lengths):
        self.s, self.B, self.lengths = schedule, streams, lengths
        self.time, self.previous, self.updates, self.next_sequence = 0, -1, 0, 0
        self.current = [[-1, 0, 0] for _ in range(streams)]  # sequence, position, active steps so far
        self.batch_start = self.batch_length = 0
        self.resets = [[] for _ in range(streams)]
        self.lookahead = None

    def __iter__(self):
        while (plan := self.next()) is not None:
            yield plan

    def next(self):
        ticks = []
        while True:
            tick = self._take()
            if tick is None:
                break
            ticks.append(tick)
            following = self._peek()
            if following is None or len(ticks) >= self.s["k1"]:
                break
            if self.s["layout"] == "aligned" and self.s["flush"] and any(st and st[2] for st in following.steps):
                break
        return self._plan(ticks) if ticks else None

    def _peek(self):
        if self.lookahead is None:
            self.lookahead = self._make()
        return self.lookahead

    def _take(self):
        tick, self.lookahead = self._peek(), None
        if tick is not None:
            for b, st in enumerate(tick.steps):
                if st and st[2]:
                    self.resets[b].append(tick.time)
        return tick

    def _make(self):
        n = len(self.lengths)
        if self.s["layout"] == "aligned":
            if self.time >= self.batch_start + self.batch_length:
                if self.next_sequence >= n:
                    return None
                self.batch_start, self.batch_length = self.time, 0
                for b, c in enumerate(self.current):
                    seq = self.next_sequence + b
                    c[0], c[1] = (seq if seq < n else -1), 0
                    if c[0] >= 0:
                        self.batch_length = max(self.batch_length, self.lengths[seq])
                self.next_sequence += self.B
        else:
            for c in self.current:
                if c[0] >= 0 and c[1] < self.lengths[c[0]]:
                    continue
                if self.next_sequence < n:
                    c[0], c[1] = self.next_sequence, 0
                    self.next_sequence += 1
                else:
                    c[0] = -1
            if all(c[0] < 0 for c in self.current):
                return None
        reset, steps = self.s["reset"], []
        for c in self.current:
            if c[0] < 0 or c[1] >= self.lengths[c[0]]:
                steps.append(None)
                continue
            fresh = c[1] == 0 if reset == "sequence" else c[2] == 0 if reset == "never" else c[2] % reset["every"] == 0
            steps.append((c[0], c[1], fresh))
            c[1] += 1
            c[2] += 1
        tick = Tick(self.time, steps)
        self.time += 1
        return tick

    def _last_reset(self, b, time):
        for r in reversed(self.resets[b]):
            if r <= time:
                return r
        return -1

    def _plan(self, ticks):
        k1, k2, window = self.s["k1"], self.s["k2"], self.s["truncation"] == "window"
        t, previous = ticks[-1].time, self.previous
        floor = -1 if k2 == INF else previous + 1 - (k2 - k1)
        loss_start = [[-1] * self.B for _ in ticks]
        window_start, sweep_start, backward = [-1] * self.B, t, 0
        for b in range(self.B):
            earliest, spans = INF, 0
            for k, tick in enumerate(ticks):
                if tick.steps[b] is None:
                    continue
                s, reset = tick.time, self._last_reset(b, tick.time)
                start = max(floor, reset, 0) if window else max(-1 if k2 == INF else s - k2 + 1, reset, 0)
                loss_start[k][b] = start
                earliest = min(earliest, start)
                spans += s - start + 1
            if earliest == INF:
                continue
            window_start[b] = earliest
            sweep_start = min(sweep_start, earliest)
            if not window:
                backward = max(backward, spans)
        if window:
            backward = t - sweep_start + 1
        for lst in self.resets:
            while len(lst) > 1 and lst[1] <= sweep_start:
                lst.pop(0)
        self.previous = t
        self.updates += 1
        return Plan(self.updates - 1, t, previous, ticks, window_start, loss_start, sweep_start, backward)


# ---------------------------------------------------------------------------------------
# The network: torch.nn modules under tbptt's names, and its seeded initialisation
# ---------------------------------------------------------------------------------------

class TbpttNet(nn.Module):
    """`rnn` (torch.nn.LSTM, GRU or RNN) and `out` (torch.nn.Linear): state_dict() keys are
    tbptt's parameter names. forward(update) returns an update's loss (see UpdateInputs)."""

    def __init__(self, cell, input_size, hidden_size, layers, output_size, bidirectional=False, proj_size=0,
                 dtype=torch.float32):
        super().__init__()
        kw = {"num_layers": layers, "bidirectional": bidirectional, "dtype": dtype}
        if cell == "lstm":
            self.rnn = nn.LSTM(input_size, hidden_size, proj_size=proj_size, **kw)
        elif cell == "gru":
            self.rnn = nn.GRU(input_size, hidden_size, **kw)
        else:
            self.rnn = nn.RNN(input_size, hidden_size, nonlinearity="tanh", **kw)
        self.cell, self.hidden, self.layers, self.bidirectional = cell, hidden_size, layers, bidirectional
        self.state_width = proj_size or hidden_size
        self.out = nn.Linear(self.state_width * (2 if bidirectional else 1), output_size, dtype=dtype)
        self.kind, self.per, self.target_mean, self.target_std = "softmax", "frame", None, None

    def direction(self, layer, reverse=False):
        sfx = f"_l{layer}" + ("_reverse" if reverse else "")
        p = lambda name: getattr(self.rnn, name + sfx, None)  # noqa: E731
        return p("weight_ih"), p("weight_hh"), p("bias_ih"), p("bias_hh"), p("weight_hr")

    def forward(self, update):
        return update_loss(self, update)


def tbptt_names(net):
    """Parameter names in tbptt's layout order (src/nn/model.ts): per layer and direction
    weight_ih, weight_hh, bias_ih, bias_hh (weight_hr), then out.weight, out.bias."""
    names = []
    for layer in range(net.layers):
        for sfx in [f"_l{layer}"] + ([f"_l{layer}_reverse"] if net.bidirectional else []):
            names += [f"rnn.{w}{sfx}" for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            if net.state_width != net.hidden:
                names.append(f"rnn.weight_hr{sfx}")
    return names + ["out.weight", "out.bias"]


def build_model(config, data):
    """The network for a config and its data, initialised as tbptt initialises it (from the
    seed, src/nn/initialize.ts), then from config.init when given."""
    m = config["model"]
    dtype = torch.float64 if config["dtype"] == "float64" else torch.float32
    net = TbpttNet(m["cell"], data.input_size, m["hiddenSize"], m["layers"], data.output_size,
                   m["bidirectional"], m.get("projSize", 0), dtype)
    net.kind, net.per = data.kind, data.per
    if data.target_normalisation:
        net.target_mean = torch.tensor(data.target_normalisation["mean"], dtype=torch.float64)
        net.target_std = torch.tensor(data.target_normalisation["std"], dtype=torch.float64)
    initialise(net, Rng(config["seed"]), m["init"])
    if config.get("init"):
        load_weights(net, config["init"])
    return net


def initialise(net, rng, init):
    """tbptt's seeded initialisation, draw for draw: uniform ±1/√H ("pytorch"), ±range
    ("uniform") or Glorot per gate block ("xavier"); then orthogonal W_hh blocks and the
    forget bias. Orthogonal blocks draw normals with the C library's log/sin/cos, which
    may differ from V8's in the last bit."""
    scheme, H = init.get("scheme", "pytorch"), net.hidden
    params = dict(net.named_parameters())
    values = {}
    for name in tbptt_names(net):
        shape = params[name].shape
        if scheme == "uniform":
            r = init["range"]
        elif scheme == "pytorch":
            r = 1 / math.sqrt(params["out.weight"].shape[1] if name.startswith("out.") else H)
        elif "bias" in name:
            r = 0.0
        else:
            whole = name.startswith("out.") or "weight_hr" in name
            fan_out = shape[0] if whole else H if len(shape) == 2 else 1
            r = math.sqrt(6 / (shape[-1] + fan_out))
        values[name] = [rng.uniform(-r, r) for _ in range(shape.numel())]
    for layer in range(net.layers):
        for sfx in [f"_l{layer}"] + ([f"_l{layer}_reverse"] if net.bidirectional else []):
            if init.get("orthogonal"):
                w, R = values[f"rnn.weight_hh{sfx}"], net.state_width
                for block in range(params[f"rnn.weight_hh{sfx}"].shape[0] // H):
                    w[block * H * R:(block + 1) * H * R] = _orthogonal(rng, H, R)
            if init.get("forgetBias") and net.cell == "lstm":
                b = values[f"rnn.bias_ih{sfx}"]
                for j in range(H, 2 * H):
                    b[j] += init["forgetBias"]
    with torch.no_grad():
        for name, v in values.items():
            params[name].copy_(torch.tensor(v, dtype=torch.float64).reshape(params[name].shape))


def _orthogonal(rng, rows, cols):
    """src/core/init.ts fillOrthogonal: modified Gram-Schmidt over normal draws, row-major."""
    count, n = min(rows, cols), max(rows, cols)
    q = [[rng.normal() for _ in range(n)] for _ in range(count)]
    for i in range(count):
        for attempt in range(12):
            for j in range(i):
                dot = 0.0
                for k in range(n):
                    dot += q[i][k] * q[j][k]
                q[i] = [q[i][k] - dot * q[j][k] for k in range(n)]
            norm = 0.0
            for k in range(n):
                norm += q[i][k] * q[i][k]
            norm = math.sqrt(norm)
            if norm > 1e-8:
                q[i] = [v / norm for v in q[i]]
                break
            q[i] = [rng.normal() for _ in range(n)]
    return [q[r][c] if rows <= cols else q[c][r] for r in range(rows) for c in range(cols)]


def load_weights(net, path):
    """Copies a safetensors file's tensors into the network; every parameter must be there with
    its shape, and nothing else (as tbptt's loadParameterTensors)."""
    tensors, _ = read_safetensors(path)
    params, problems = dict(net.named_parameters()), []
    for name, p in params.items():
        t = tensors.get(name)
        if t is None:
            problems.append(f"missing tensor {name} (expected shape {list(p.shape)})")
        elif list(t.shape) != list(p.shape):
            problems.append(f"{name} has shape {list(t.shape)}, expected {list(p.shape)}")
    problems += [f"unexpected tensor {n}" for n in tensors if n not in params]
    if problems:
        raise ConfigError(f"{path}: weights do not fit the model:\n  " + "\n  ".join(problems))
    with torch.no_grad():
        for name, p in params.items():
            p.copy_(tensors[name].to(p.dtype))


def save_model(folder, net, config, data):
    """Writes folder/model.safetensors and folder/model.json, the model folder tbptt eval and
    predict read (src/train/model-format.ts)."""
    os.makedirs(folder, exist_ok=True)
    m = config["model"]
    model = {"cell": m["cell"], "inputSize": data.input_size, "hiddenSize": m["hiddenSize"], "layers": m["layers"],
             "bidirectional": m["bidirectional"], "peepholes": False, "projSize": m.get("projSize", 0),
             "gradient": "full", "outputSize": data.output_size}
    if (data.kind, data.per) != ("softmax", "frame"):
        model["output"] = {"kind": data.kind, "per": data.per}
        if data.kind == "mse":
            model["output"]["normalisation"] = data.target_normalisation
    s = config["schedule"]
    meta = {"task": "sequences", "classes": data.classes, "normalisation": data.normalisation,
            "schedule": {"reset": s["reset"], "layout": s["layout"]},
            "validStreams": config.get("validStreams") or config["streams"]}
    text = json.dumps({"format": "tbptt-model", "version": 1, "model": model, "meta": meta}, indent=2) + "\n"
    params = dict(net.named_parameters())
    write_safetensors(os.path.join(folder, "model.safetensors"),
                      {n: params[n].detach() for n in tbptt_names(net)},
                      {"tbptt.architecture": json.dumps(model, separators=(",", ":")), "tbptt.model": text})
    write_atomic(os.path.join(folder, "model.json"), text.encode("utf-8"))


# ---------------------------------------------------------------------------------------
# One update's graph
# ---------------------------------------------------------------------------------------

@dataclass
class UpdateInputs:
    """Everything one update's forward needs, for this worker's Bl streams, over the sweep of
    T ticks (sweep_start … t), the first `history` of them forwarded by earlier updates.
    Rows are lane-major: row = lane · Bl + stream."""
    lanes: int
    history: int
    x: torch.Tensor            # (T, Bl, I), zeros where a stream is masked
    active: torch.Tensor       # (T, Bl) bool
    reset: torch.Tensor        # (T, Bl) bool: the state entering this tick is s_0
    cut: torch.Tensor          # (T, L·Bl) bool: the state entering this tick is held constant
    enter: list                # per layer: (h, c or None), the state entering the sweep, (Bl, ·)
    stored: list               # per layer: {name: (history, Bl, ·)} stored values of the history ticks
    loss_tick: torch.Tensor    # (N,) tick index of each loss
    loss_row: torch.Tensor     # (N,) its row (the lane that carries it)
    loss_first: torch.Tensor   # (N,) tick index where its sequence began (a bidirectional h_n)
    labels: torch.Tensor       # (N,) classes, or (N, D) real-valued targets
    scale: float               # 1, or 1 / the update's losses (mean), times the workers (DDP averages)
    record: list = field(default_factory=list)  # out: per layer, the own ticks' values to store


def _pin(value, stored):
    """The stored value with the current derivative: what tbptt's backward pass uses."""
    return stored + (value - value.detach())


def run_layer(net, layer, X, u, reverse=False):
    """One direction of one layer over the sweep: X (T, rows or Bl, In) -> (T, rows, R).
    Forward directions honour resets, cuts and masks and pin history ticks to their stored
    values; the reverse direction (bidirectional, whole sequences) starts from zeros at the end."""
    w_ih, w_hh, b_ih, b_hh, w_hr = net.direction(layer, reverse)
    T, L = X.shape[0], u.lanes
    Bl = u.active.shape[1]
    rows = L * Bl
    A = X @ w_ih.t() + b_ih
    if A.shape[1] != rows:
        A = A.repeat(1, L, 1)
    lstm, gru = net.cell == "lstm", net.cell == "gru"
    if reverse:
        h = A.new_zeros(rows, w_hh.shape[1])
        c = A.new_zeros(rows, net.hidden) if lstm else None
    else:
        h0, c0 = u.enter[layer]
        h, c = h0.repeat(L, 1), (c0.repeat(L, 1) if lstm else None)
    stored = u.stored[layer] if not reverse else {}
    keep = {"h": [], "c": [], "z": [], "gh": [], "r": []}
    outs = [None] * T
    for k in (range(T - 1, -1, -1) if reverse else range(T)):
        active = u.active[k].repeat(L).unsqueeze(1)
        if not reverse:
            if k > 0:
                cut = u.cut[k].unsqueeze(1)
                h = torch.where(cut, h.detach(), h)
                c = torch.where(cut, c.detach(), c) if lstm else None
            fresh = u.reset[k].repeat(L).unsqueeze(1)
            h = torch.where(fresh, torch.zeros_like(h), h)
            c = torch.where(fresh, torch.zeros_like(c), c) if lstm else None
        past = not reverse and k < u.history
        gh = h @ w_hh.t() + b_hh
        if gru:
            gi = A[k]
            if past:
                gi, gh = _pin(gi, stored["z"][k].repeat(L, 1)), _pin(gh, stored["gh"][k].repeat(L, 1))
            ir, iz, i_n = gi.chunk(3, 1)
            hr, hz, hn = gh.chunk(3, 1)
            r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
            new_h = (1 - z) * torch.tanh(i_n + r * hn) + z * h
            z_keep = gi
        else:
            a = A[k] + gh
            if past:
                a = _pin(a, stored["z"][k].repeat(L, 1))
            z_keep = a
            if lstm:
                i, f, g, o = a.chunk(4, 1)
                new_c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                new_h = torch.sigmoid(o) * torch.tanh(new_c)
                if w_hr is not None:
                    new_h = new_h @ w_hr.t()
                    if past:
                        new_h = _pin(new_h, stored["r"][k].repeat(L, 1))
                    elif not reverse:
                        keep["r"].append(new_h[:Bl].detach())
            else:
                new_h = torch.tanh(a)
        if not reverse and not past:
            keep["h"].append(h[:Bl].detach())
            keep["z"].append(z_keep[:Bl].detach())
            if lstm:
                keep["c"].append(c[:Bl].detach())
            if gru:
                keep["gh"].append(gh[:Bl].detach())
        h = torch.where(active, new_h, h)
        if lstm:
            c = torch.where(active, new_c, c)
        outs[k] = h
    if not reverse:
        u.record.append({"own": {k: v for k, v in keep.items() if v}, "h": h[:Bl].detach(),
                         "c": c[:Bl].detach() if lstm else None})
    return torch.stack(outs)


def update_loss(net, u):
    """The update's loss, scaled for the backward pass, and its unscaled sum."""
    X = u.x
    fwd = rev = None
    for layer in range(net.layers):
        fwd = run_layer(net, layer, X, u)
        if net.bidirectional:
            rev = run_layer(net, layer, X, u, reverse=True)
            X = torch.cat([fwd, rev], 2)
        else:
            X = fwd
    if net.bidirectional and net.per == "sequence":
        features = torch.cat([fwd[u.loss_tick, u.loss_row], rev[u.loss_first, u.loss_row]], 1)
    else:
        features = X[u.loss_tick, u.loss_row]
    z = net.out(features)
    if net.kind == "mse":
        target = u.labels.to(z.dtype)
        if net.target_mean is not None:
            target = (u.labels.double() - net.target_mean) / net.target_std
        loss = 0.5 * ((z - target.to(z.dtype)) ** 2).sum()
    else:
        loss = F.cross_entropy(z, u.labels, reduction="sum")
    # Every parameter takes part in every backward pass (DDP waits for each one's gradient).
    touch = sum((p.reshape(-1)[0] * 0 for p in net.parameters()), loss.new_zeros(()))
    return loss * u.scale + touch, loss.detach()


# ---------------------------------------------------------------------------------------
# The engine: the planner's updates, over this worker's streams
# ---------------------------------------------------------------------------------------

class Engine:
    """Runs the planner's updates for streams [first, last) of B: builds each update's inputs
    from the data and from what earlier updates stored, and keeps what later ones need."""

    def __init__(self, net, schedule, streams, sequences, first, last, workers=1):
        self.net, self.s, self.B, self.seqs = net, schedule, streams, sequences
        self.first, self.last, self.workers = first, last, workers
        k1, k2 = schedule["k1"], schedule["k2"]
        per_loss = schedule["truncation"] == "per-loss" and k2 != INF
        self.lanes = min(k2, k1) if per_loss else 1
        self.planner = Planner(schedule, streams, [len(s) for s in sequences])
        Bl, p = last - first, next(net.parameters())
        self.dtype, self.device = p.dtype, p.device
        R, H = net.state_width, net.hidden
        self.carry = [(p.new_zeros(Bl, R), p.new_zeros(Bl, H) if net.cell == "lstm" else None)
                      for _ in range(net.layers)]
        self.ticks = {}  # time -> what a later window needs of that tick

    def plans(self):
        return iter(self.planner)

    def _tick_inputs(self, tick):
        Bl, I = self.last - self.first, self.net.rnn.input_size
        x = torch.zeros(Bl, I, dtype=self.dtype)
        active, reset = torch.zeros(Bl, dtype=torch.bool), torch.zeros(Bl, dtype=torch.bool)
        for b in range(Bl):
            st = tick.steps[self.first + b]
            if st is not None:
                x[b] = self.seqs[st[0]].x[st[1]].to(self.dtype)
                active[b], reset[b] = True, st[2]
        return x, active, reset

    def inputs(self, plan):
        """The update's UpdateInputs (its own ticks' data read now, earlier ticks' from store)."""
        Bl, L, first = self.last - self.first, self.lanes, self.first
        start, t_prev = plan.sweep_start, plan.previous
        history = max(0, t_prev - start + 1)
        past = [self.ticks[time] for time in range(start, t_prev + 1)]
        own = [self._tick_inputs(tick) for tick in plan.ticks]
        x = torch.stack([p["x"] for p in past] + [o[0] for o in own])
        active = torch.stack([p["active"] for p in past] + [o[1] for o in own])
        reset = torch.stack([p["reset"] for p in past] + [o[2] for o in own])
        T = x.shape[0]
        cut = torch.zeros(T, L * Bl, dtype=torch.bool)
        if self.s["truncation"] == "window":
            for b in range(Bl):
                ws = plan.window_start[first + b]
                if ws >= 0:
                    cut[ws - start, b] = True
        else:
            for k, tick in enumerate(plan.ticks):
                lane = tick.time % L
                for b in range(Bl):
                    ls = plan.loss_start[k][first + b]
                    if ls >= 0:
                        cut[ls - start, lane * Bl + b] = True
        enter = past[0]["enter"] if past else self.carry
        stored = []
        for layer in range(self.net.layers):
            stored.append({name: torch.stack([p["layers"][layer][name] for p in past])
                           for name in (past[0]["layers"][layer] if past else {})})
        loss_tick, loss_row, loss_first, labels, count = [], [], [], [], 0
        for k, tick in enumerate(plan.ticks):
            for b, st in enumerate(tick.steps):
                if st is None or int(self.seqs[st[0]].labels[st[1]]) < 0:
                    continue
                count += 1
                if not first <= b < self.last:
                    continue
                seq = self.seqs[st[0]]
                loss_tick.append(history + k)
                loss_row.append((tick.time % L) * Bl + b - first)
                loss_first.append(history + k - st[1])
                labels.append(seq.targets[st[1]] if self.net.kind == "mse" else seq.labels[st[1]])
        if self.net.kind == "mse":
            D = self.net.out.out_features
            labels = torch.stack(labels) if labels else torch.zeros(0, D, dtype=torch.float32)
        else:
            labels = torch.stack(labels) if labels else torch.zeros(0, dtype=torch.int64)
        scale = self.workers / count if self.s["reduction"] == "mean" and count > 0 else float(self.workers)
        # Built on the CPU, then moved to the network's device (only CPU is tested: docs/scale.md).
        on = lambda v: v.to(self.device)  # noqa: E731
        as_long = lambda v: on(torch.tensor(v, dtype=torch.int64))  # noqa: E731
        u = UpdateInputs(L, history, on(x), on(active), on(reset), on(cut), enter, stored, as_long(loss_tick),
                         as_long(loss_row), as_long(loss_first), on(labels), scale)
        u.count = count
        return u

    def keep(self, plan, u):
        """After an update: store its own ticks for later windows, carry the state, forget what
        no later window reaches."""
        start = plan.previous + 1
        for k, tick in enumerate(plan.ticks):
            layers = []
            for rec in u.record:
                own = rec["own"]
                entry = {"z": own["z"][k]}
                if "gh" in own:
                    entry["gh"] = own["gh"][k]
                if "r" in own:
                    entry["r"] = own["r"][k]
                layers.append(entry)
            enter = [(rec["own"]["h"][k], rec["own"]["c"][k] if "c" in rec["own"] else None) for rec in u.record]
            j = u.history + k
            self.ticks[start + k] = {"x": u.x[j].cpu(), "active": u.active[j].cpu(), "reset": u.reset[j].cpu(),
                                     "enter": enter, "layers": layers}
        if not self.net.bidirectional:
            self.carry = [(rec["h"], rec["c"]) for rec in u.record]
        k1, k2, t = self.s["k1"], self.s["k2"], plan.time
        if k2 == INF:
            firsts = [lst[0] for lst in self.planner.resets[self.first:self.last] if lst]
            horizon = min(firsts) if firsts else t + 1
        elif self.s["truncation"] == "window":
            horizon = t + 1 - (k2 - k1)
        else:
            horizon = t + 2 - k2
        for time in [time for time in self.ticks if time < horizon]:
            del self.ticks[time]


# ---------------------------------------------------------------------------------------
# Training: tbptt's optimizers, clipping, learning-rate schedules and loop (src/train)
# ---------------------------------------------------------------------------------------

class TbpttAdagrad(torch.optim.Optimizer):
    """tbptt's Adagrad (min-char-rnn's): h ← h + g², p ← p − lr·g/√(h + ε). torch.optim.Adagrad
    adds ε outside the root, so it is not the same optimizer."""

    def __init__(self, params, lr, eps=1e-8, weight_decay=0.0):
        super().__init__(params, {"lr": lr, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad
                state = self.state[p]
                if "sum" not in state:
                    state["sum"] = torch.zeros_like(p)
                state["sum"].addcmul_(g, g)
                p.sub_(group["lr"] * g / torch.sqrt(state["sum"] + group["eps"]))


def make_optimizer(o, params):
    """tbptt's optimizer (src/train/optimizer.ts) as torch.optim, formula for formula."""
    wd = o.get("weightDecay", 0) or 0
    if o["type"] == "sgd":
        mu = o.get("momentum", 0) or 0
        return torch.optim.SGD(params, lr=o["lr"], momentum=mu, nesterov=bool(o.get("nesterov")) and mu > 0,
                               weight_decay=wd)
    if o["type"] == "adam":
        return torch.optim.Adam(params, lr=o["lr"], betas=(o.get("beta1", 0.9), o.get("beta2", 0.999)),
                                eps=o.get("eps", 1e-8), weight_decay=wd)
    if o["type"] == "rmsprop":
        return torch.optim.RMSprop(params, lr=o["lr"], alpha=o.get("alpha", 0.99), eps=o.get("eps", 1e-8),
                                   momentum=o.get("momentum", 0) or 0, centered=bool(o.get("centered")),
                                   weight_decay=wd)
    if o["type"] == "adagrad":
        return TbpttAdagrad(params, lr=o["lr"], eps=o.get("eps", 1e-8), weight_decay=wd)
    raise ConfigError(f"optimizer.type: expected sgd, adam, rmsprop or adagrad, got {json.dumps(o['type'])}")


def clip_gradients(params, clip):
    """tbptt's clipping (src/train/clip.ts): the norm is taken before anything is clipped; each
    component is clamped to ±value; then g ← g·c/‖g‖ when ‖g‖ > c. Returns that norm."""
    grads = [p.grad for p in params]
    norm = math.sqrt(sum(float((g.double() ** 2).sum()) for g in grads))
    if clip:
        if clip.get("value") is not None:
            for g in grads:
                g.clamp_(-clip["value"], clip["value"])
        if clip.get("norm") is not None and norm > clip["norm"]:
            for g in grads:
                g.mul_(clip["norm"] / norm)
    return norm


def learning_rate(base, schedule, epoch):
    """src/train/lr-schedule.ts: by epoch, 0-based."""
    kind = (schedule or {}).get("type", "constant")
    if kind == "step":
        return base * schedule["factor"] ** max(0, epoch - schedule["after"])
    if kind == "exponential":
        return base * schedule["gamma"] ** epoch
    if kind == "cosine":
        low = schedule.get("min", 0)
        progress = min(1, epoch / max(1, schedule["epochs"]))
        return low + 0.5 * (base - low) * (1 + math.cos(math.pi * progress))
    return base


@dataclass
class TrainResult:
    reason: str
    updates: int
    epochs: int
    loss_per_frame: list  # per epoch, over all streams


def train(config, data, net, log=None):
    """Trains `net` on `data` by the config's schedule and optimizer, as tbptt's Trainer does.
    Under torch.distributed (initialised by the caller, e.g. through main() under torchrun)
    worker r of W runs streams [r·B/W, (r+1)·B/W) and DistributedDataParallel sums the
    gradients (each worker's loss is scaled by W so that DDP's average is the sum)."""
    dist = torch.distributed
    distributed = dist.is_available() and dist.is_initialized()
    workers, rank = (dist.get_world_size(), dist.get_rank()) if distributed else (1, 0)
    B = config["streams"]
    first, last = rank * B // workers, (rank + 1) * B // workers
    model = nn.parallel.DistributedDataParallel(net) if distributed and workers > 1 else net
    params = [net.get_parameter(n) for n in tbptt_names(net)]
    optimizer = make_optimizer(config["optimizer"], params)
    shuffle = Rng(config["seed"])
    n, updates, steps, bad = len(data.sequences), 0, 0, 0
    limits = (config.get("maxUpdates"), config.get("maxSteps"), config.get("maxSeconds"))
    began, reason, losses = time.monotonic(), "epochs", []
    epoch = 0
    for epoch in range(config["epochs"]):
        order = list(range(n))
        if config["shuffle"]:
            shuffle.shuffle(order)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(config["optimizer"]["lr"], config.get("lrSchedule"), epoch)
        engine = Engine(net, config["schedule"], B, [data.sequences[i] for i in order], first, last, workers)
        loss_sum, frames = 0.0, 0
        for plan in engine.plans():
            u = engine.inputs(plan)
            optimizer.zero_grad(set_to_none=False)
            loss, total = model(u)
            loss.backward()
            engine.keep(plan, u)
            total = total.double().reshape(1)
            if distributed and workers > 1:
                dist.all_reduce(total)
            total = float(total)
            norm = clip_gradients(params, config.get("clip"))
            if math.isfinite(norm) and math.isfinite(total):
                optimizer.step()
                bad, loss_sum, frames = 0, loss_sum + total, frames + u.count
            else:
                bad += 1
                if log:
                    log(f"update {updates}: non-finite loss or gradient (loss {total}, gradient norm {norm}); skipped")
            updates += 1
            steps += len(plan.ticks) + plan.backward_steps
            if bad >= config["maxBadUpdates"]:
                reason = "bad-updates"
            elif limits[0] is not None and updates >= limits[0]:
                reason = "max-updates"
            elif limits[1] is not None and steps >= limits[1]:
                reason = "max-steps"
            elif limits[2] is not None and time.monotonic() - began >= limits[2]:
                reason = "max-seconds"
            if reason != "epochs":
                break
        losses.append(loss_sum / frames if frames else math.nan)
        if log:
            log(f"epoch {epoch + 1}/{config['epochs']} | train loss {losses[-1]:.4f} | {updates} updates")
        if reason != "epochs":
            break
    return TrainResult(reason, updates, epoch + 1, losses)


# ---------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------

USAGE = """usage: tbptt_torch.py train CONFIG.json [--KEY.PATH VALUE ...] [--out DIR] [--overwrite]

Trains a tbptt config's model with its exact schedule on PyTorch and writes the model
folder DIR/model (model.safetensors + model.json, as tbptt train; DIR defaults to the
config's "out"). Under torchrun, the streams are sharded over the workers (docs/scale.md):
  torchrun --nproc_per_node 2 [--redirects 1 --tee 1] python/tbptt_torch.py train CONFIG.json --out DIR
(the flags in brackets: PyTorch 1.13's torchrun on Python 3.11 fails without them)"""


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE, file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    if argv[0] != "train" or len(argv) < 2 or argv[1].startswith("--"):
        print(f"tbptt_torch: expected `train CONFIG.json`, got {' '.join(argv)}\n{USAGE}", file=sys.stderr)
        return 2
    path, rest, overrides, out, overwrite = argv[1], argv[2:], [], None, False
    while rest:
        flag = rest.pop(0)
        if flag == "--overwrite":
            overwrite = True
        elif flag.startswith("--") and rest:
            value = rest.pop(0)
            if flag == "--out":
                out = value
            else:
                overrides.append((flag[2:], value))
        else:
            print(f"tbptt_torch: {flag}: expected --KEY.PATH VALUE\n{USAGE}", file=sys.stderr)
            return 2
    workers = int(os.environ.get("WORLD_SIZE", "1"))
    try:
        config = load_config(path, overrides)
        folder = os.path.join(out or config["out"], "model")
        if os.path.exists(os.path.join(folder, "model.safetensors")) and not overwrite:
            raise ConfigError(f"{folder} already holds a model; give another --out, or --overwrite")
        data = load_data(config)
        net = build_model(config, data)
    except ConfigError as e:
        print(f"tbptt_torch: {e}", file=sys.stderr)
        return 2
    if workers > 1:
        torch.distributed.init_process_group("gloo")
    rank = torch.distributed.get_rank() if workers > 1 else 0
    say = (lambda text: print(text, flush=True)) if rank == 0 else None
    if say:
        say(f"{len(data.sequences)} sequences, {data.input_size} features, {data.output_size} "
            f"{'targets' if data.kind == 'mse' else 'classes'}; {config['streams']} streams on {workers} worker(s)")
    result = train(config, data, net, say)
    if rank == 0:
        save_model(folder, net, config, data)
        say(f"done ({result.reason}, {result.updates} updates); model in {folder}")
    if workers > 1:
        torch.distributed.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
