#!/usr/bin/env python3
"""Merges bench/Bard.Bench and bench/pytorch_bench.py JSON lines: a table on stdout, then the one JSON line of
bench/run (last line). Standard library only."""
import json, os, sys


def read(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip().startswith("{")]


def pick(lines, **match):
    return next((l for l in lines if all(l.get(k) == v for k, v in match.items())), None)


def val(line, key):
    return None if line is None else line.get(key)


def ratio(a, b):
    return round(a / b, 3) if a and b else None


def best_of(runs):
    """PyTorch's best per measurement over its runs (thread settings): the largest gflops / tokens_per_s."""
    best = {}
    for config, lines in runs:
        for l in lines:
            key = tuple((k, l.get(k)) for k in ("what", "model", "precision", "dtype", "cache", "batch"))
            score = l.get("gflops", l.get("tokens_per_s", 0)) if l["what"] != "sft" else l.get("tokens_per_s", 0)
            if key not in best or score > best[key][0]:
                best[key] = (score, dict(l, config=config))
    return [v[1] for v in best.values()]


def main(bard_path, *torch_paths):
    bard = read(bard_path)
    pt = best_of([(os.path.basename(path).removesuffix(".jsonl").removeprefix("pytorch").strip("-") or "default", read(path)) for path in torch_paths])
    rows = []
    details = {}

    for dtype in ("fp32", "bf16"):
        b, p = val(pick(bard, what="matmul", dtype=dtype), "gflops"), val(pick(pt, what="matmul", dtype=dtype), "gflops")
        details[f"matmul_1024_{dtype}_gflops"] = {"bard": b, "pytorch": p}
        rows.append((f"matmul 1024³ {dtype}", "GFLOP/s", b, p))
    ceiling = {d: details[f"matmul_1024_{d}_gflops"]["bard"] for d in ("fp32", "bf16")}
    for model in ("student", "30m"):
        for prec in ("fp32", "bf16"):
            b, p = pick(bard, what="sft", model=model, precision=prec), pick(pt, what="sft", model=model, precision=prec)
            key = f"sft_{model}_{prec}"
            details[key] = {"bard_tokens_per_s": val(b, "tokens_per_s"), "pytorch_tokens_per_s": val(p, "tokens_per_s"),
                            "bard_gflops": val(b, "gflops"), "pytorch_gflops": val(p, "gflops"),
                            "bard_share_of_ceiling": ratio(val(b, "gflops"), ceiling[prec]),
                            "ratio": ratio(val(b, "tokens_per_s"), val(p, "tokens_per_s"))}
            rows.append((f"SFT {model} {prec} (16×256)", "tokens/s", val(b, "tokens_per_s"), val(p, "tokens_per_s")))
    for batch in (1, 16, 64):
        b, p = pick(bard, what="decode", cache=True, batch=batch), pick(pt, what="decode", cache=True, batch=batch)
        details[f"decode_b{batch}"] = {"bard": val(b, "tokens_per_s"), "pytorch": val(p, "tokens_per_s"), "ratio": ratio(val(b, "tokens_per_s"), val(p, "tokens_per_s"))}
        rows.append((f"decode KV cache, batch {batch}", "tokens/s", val(b, "tokens_per_s"), val(p, "tokens_per_s")))
    bnc, pnc = pick(bard, what="decode", cache=False, batch=16), pick(pt, what="decode", cache=False, batch=16)
    details["decode_b16_no_cache"] = {"bard": val(bnc, "tokens_per_s"), "pytorch": val(pnc, "tokens_per_s")}
    rows.append(("decode no cache, batch 16", "tokens/s", val(bnc, "tokens_per_s"), val(pnc, "tokens_per_s")))
    b16 = details["decode_b16"]["bard"]
    details["decode_b16_cache_speedup"] = {"bard": ratio(b16, val(bnc, "tokens_per_s")), "pytorch": ratio(details["decode_b16"]["pytorch"], val(pnc, "tokens_per_s"))}
    def label(l):
        parts = [l["what"], l.get("model") or l.get("dtype"), l.get("precision"),
                 None if l.get("batch") is None else f"b{l['batch']}", None if l.get("cache") is None else ("cache" if l["cache"] else "no-cache")]
        return " ".join(p for p in parts if p)

    env = {"bard": pick(bard, what="env"), "pytorch": pick(pt, what="env"),
           "pytorch_config": {label(l): l["config"] for l in pt if l["what"] != "env"}}

    print(f"{'':34} {'unit':9} {'Bard':>10} {'PyTorch':>10} {'Bard/PyTorch':>13}")
    for name, unit, b, p in rows:
        f = lambda x: f"{x:10.1f}" if isinstance(x, (int, float)) else f"{'—':>10}"
        r = ratio(b, p)
        rs = f"{r:13.2f}" if r else f"{'—':>13}"
        print(f"{name:34} {unit:9} {f(b)} {f(p)} {rs}")
    rl = pick(bard, what="rl_step")
    tok = pick(bard, what="tokenizer")
    if rl:
        print(f"RL step (64 rollouts ≤ 96 tokens): rollout {rl['rollout_s']:.2f} s, reference {rl['reference_s']:.2f} s, update {rl['update_s']:.2f} s")
    if tok:
        print(f"tokenizer (Qwen3, GSM8K questions): {tok['mb_per_s']:.1f} MB/s fresh, {tok['mb_per_s_steady']:.1f} MB/s steady")

    s30 = details["sft_30m_fp32"]
    line = {
        "sft_tokens_per_s": {"bard": s30["bard_tokens_per_s"], "pytorch": s30["pytorch_tokens_per_s"]},
        "sft_gflops": {"bard": s30["bard_gflops"], "ceiling_fp32": ceiling["fp32"]},
        "decode_tokens_per_s_b16": {"bard": b16, "pytorch": details["decode_b16"]["pytorch"], "bard_no_cache": val(bnc, "tokens_per_s")},
        "rl_step_s": {"rollout": val(rl, "rollout_s"), "reference": val(rl, "reference_s"), "update": val(rl, "update_s")},
        "tokenizer_mb_per_s": val(tok, "mb_per_s"),
        "details": details,
        "env": env,
    }
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], *sys.argv[2:])
