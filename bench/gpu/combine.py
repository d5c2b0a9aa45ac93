#!/usr/bin/env python3
"""Merges `bard bench` and hf_bench.py JSON lines into the one JSON line bench/gpu prints:
{"gpu": ..., "shapes": {"0.6b": {"bard": {...}, "hf": {...}, "ratio": {"sft_tokens_per_s": bard/hf, ...}}}, "skipped": ...}.
A ratio above 1 means Bard is faster. Standard library only."""
import json, sys


def read(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip().startswith("{")]


def main(bard_path, hf_path):
    bard, hf = read(bard_path), read(hf_path)
    out = {"gpu": next((l.get("gpu") for l in hf if "gpu" in l), None), "shapes": {}}
    skipped = [f'{l["impl"]}: {l["skipped"]}' for l in bard + hf if "skipped" in l and "shape" not in l]
    if skipped:
        out["skipped"] = "; ".join(skipped)
    for l in bard + hf:
        if "shape" in l:
            out["shapes"].setdefault(l["shape"], {})[l["impl"]] = l
    for shape, both in out["shapes"].items():
        b, h = both.get("bard"), both.get("hf")
        if not (b and h):
            continue
        ratio = {}
        for key in ("tokens_per_s", "mfu"):
            x, y = b["sft"].get(key), h["sft"].get(key)
            if x and y:
                ratio[f"sft_{key}"] = round(x / y, 3)
        for key, x in b["decode"].items():
            y = h["decode"].get(key)
            if key.endswith("tokens_per_s") and x and y:
                ratio[f"decode_{key}"] = round(x / y, 3)
        both["ratio"] = ratio
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
