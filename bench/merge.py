#!/usr/bin/env python3
"""Merges the interleaved rounds of bench/run: bench/Bard.Bench and bench/pytorch_bench.py JSON lines, a table on
stdout, then the one JSON line of bench/run (last line). Standard library only.

    merge.py OUT_DIR ROUNDS

OUT_DIR holds, per round r (1…ROUNDS), bard-r{r}.jsonl, pytorch-r{r}.jsonl and pytorch-omp_passive-r{r}.jsonl, plus
bard-kernels.txt and pytorch-kernels.txt (the kernel probes' stdout under oneDNN's and MKL's verbose switches).
Within a round each measurement ran on both sides back to back, so a ratio is taken per round (Bard over PyTorch's
best thread setting of that round) and reported as the median over rounds with its min and max: the machine's speed
drifts by several times within minutes, and only ratios of neighbouring runs survive it. Absolute figures are medians
over rounds too."""
import json, os, re, statistics, sys


def read(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip().startswith("{")]


def pick(lines, **match):
    return next((l for l in lines if all(l.get(k) == v for k, v in match.items())), None)


def val(line, key):
    return None if line is None else line.get(key)


def ratio(a, b):
    return round(a / b, 3) if a and b else None


def median(xs):
    xs = [x for x in xs if x is not None]
    return round(statistics.median(xs), 3) if xs else None


def best_of(runs):
    """PyTorch's best per measurement over its thread settings: the largest gflops / tokens_per_s, with the setting named."""
    best = {}
    for config, lines in runs:
        for l in lines:
            key = tuple((k, l.get(k)) for k in ("what", "model", "precision", "dtype", "cache", "batch"))
            score = l.get("gflops", l.get("tokens_per_s", 0)) if l["what"] != "sft" else l.get("tokens_per_s", 0)
            if key not in best or score > best[key][0]:
                best[key] = (score, dict(l, config=config))
    return [v[1] for v in best.values()]


# (ratio key, how to find the line, the figure): the measurements compared per round.
MEASUREMENTS = [
    ("matmul_fp32_vs_best", dict(what="matmul", dtype="fp32"), "gflops"),
    ("matmul_bf16_vs_best", dict(what="matmul", dtype="bf16"), "gflops"),
    ("sft_student_fp32", dict(what="sft", model="student", precision="fp32"), "tokens_per_s"),
    ("sft_student_bf16", dict(what="sft", model="student", precision="bf16"), "tokens_per_s"),
    ("sft_30m_fp32", dict(what="sft", model="30m", precision="fp32"), "tokens_per_s"),
    ("sft_30m_bf16", dict(what="sft", model="30m", precision="bf16"), "tokens_per_s"),
    ("decode_b1", dict(what="decode", cache=True, batch=1), "tokens_per_s"),
    ("decode_b16", dict(what="decode", cache=True, batch=16), "tokens_per_s"),
    ("decode_b64", dict(what="decode", cache=True, batch=64), "tokens_per_s"),
]
GENERIC_OPENBLAS = {"prescott", "katmai", "coppermine", "northwood", "core2", "penryn", "dunnington", "atom", "generic", "nehalem"}


def cpu_info(path="/proc/cpuinfo"):
    model, flags = "unknown", set()
    try:
        with open(path) as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model == "unknown":
                    model = value.strip()
                elif key in ("flags", "Features") and not flags:
                    flags = set(value.split())
                if model != "unknown" and flags:
                    break
    except OSError:
        pass
    amx = "amx_bf16" in flags and "amx_tile" in flags
    return {"model": model, "amx": amx, "avx512": "avx512f" in flags, "avx512_bf16": "avx512_bf16" in flags,
            "avx2": "avx2" in flags, "native_bf16": amx or "avx512_bf16" in flags,
            "flags": sorted(f for f in flags if f.startswith(("avx", "amx", "fma", "f16c")))}


def kernels(path):
    """Which library kernels a probe's matmuls and linears reached, per dtype: oneDNN primitives (impl name), MKL
    calls (function), and the ISA each library says it runs with. A dtype with no library line ran on libtorch's own code."""
    out = {"fp32": set(), "bf16": set(), "isa": set()}
    if not os.path.exists(path):
        return None
    current = None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("#kernel-probe"):
                current = line.split()[1] if line.split()[1] in ("fp32", "bf16") else None
                continue
            low = line.lower()
            if low.startswith(("onednn_verbose", "dnnl_verbose")):
                fields = line.split(",")
                if "info" in fields and any(x.startswith("isa:") for x in fields):
                    out["isa"].add("oneDNN " + next(x for x in fields if x.startswith("isa:"))[4:])
                elif "exec" in fields and current:
                    # v3: onednn_verbose,v1,primitive,exec,cpu,matmul,brg_matmul:avx512_core_amx,...; v2: dnnl_verbose,exec,cpu,matmul,gemm:jit,...
                    i = fields.index("exec")
                    prim, impl = (fields[i + 2], fields[i + 3]) if len(fields) > i + 3 else ("?", "?")
                    out[current].add(f"oneDNN {prim} {impl}")
            elif line.startswith("MKL_VERBOSE"):
                if "enabled processors" in line or "Product build" in line:
                    m = re.search(r"\(Intel\(R\) ([^)]*)\) enabled processors", line) or re.search(r"MKL_VERBOSE (.*?), Lnx", line)
                    out["isa"].add("MKL " + (m.group(1) if m else line[12:100]))
                elif current:
                    out[current].add("MKL " + line.split()[1].split("(")[0])
    return {k: sorted(v) if v else (["libtorch native (no oneDNN or MKL call)"] if k != "isa" else []) for k, v in out.items()}


def main(out, rounds):
    rounds = int(rounds)
    per_round = []
    for r in range(1, rounds + 1):
        bard = read(os.path.join(out, f"bard-r{r}.jsonl"))
        pt = best_of([(cfg, read(os.path.join(out, f"pytorch{suffix}-r{r}.jsonl"))) for cfg, suffix in (("default", ""), ("omp_passive", "-omp_passive"))])
        per_round.append((bard, pt))
    bard_all = [l for b, _ in per_round for l in b]

    def figure(side, match, key):
        return [val(pick(lines[side], **match), key) for lines in per_round]

    ratios, rows, details = {}, [], {}
    for name, match, key in MEASUREMENTS:
        b, p = figure(0, match, key), figure(1, match, key)
        rs = [ratio(x, y) for x, y in zip(b, p) if x and y]
        if rs:
            ratios[name] = {"median": median(rs), "min": min(rs), "max": max(rs), "rounds": len(rs)}
        details[name] = {"bard": median(b), "pytorch": median(p), "bard_rounds": b, "pytorch_rounds": p}
        unit = "GFLOP/s" if key == "gflops" else "tokens/s"
        rows.append((name, unit, median(b), median(p), ratios.get(name)))
    nc = figure(0, dict(what="decode", cache=False, batch=16), "tokens_per_s")
    details["decode_b16_no_cache"] = {"bard": median(nc), "pytorch": median(figure(1, dict(what="decode", cache=False, batch=16), "tokens_per_s"))}
    sft_gflops = [val(pick(b, what="sft", model="30m", precision="fp32"), "gflops") for b, _ in per_round]
    ceiling = details["matmul_fp32_vs_best"]["bard"]

    cpu = cpu_info()
    env_pt = pick(per_round[0][1], what="env") if per_round else None
    kb, kp = kernels(os.path.join(out, "bard-kernels.txt")), kernels(os.path.join(out, "pytorch-kernels.txt"))
    warnings = []
    ob = (env_pt or {}).get("openblas") or {}
    if kp and ob.get("core"):  # OpenBLAS has no verbose switch: a float32 product without oneDNN or MKL lines went to it
        kp["fp32"] = [f"OpenBLAS sgemm (core {ob['core']})" if "native" in x else x for x in kp["fp32"]]
    if ob.get("core", "").lower() in GENERIC_OPENBLAS and cpu["avx2"]:
        warnings.append(f"PyTorch's OpenBLAS runs its generic '{ob['core']}' kernels on a CPU with AVX2: its figures are not its best (set OPENBLAS_CORETYPE)")
    if env_pt and not ob and "openblas" not in str(env_pt.get("blas_info", "")).lower() and "mkl" not in str(env_pt.get("blas_info", "")).lower():
        warnings.append(f"PyTorch's BLAS is '{env_pt.get('blas_info')}' (a reference BLAS multiplies at a few GFLOP/s): its figures are no reference")
    for side, k in (("Bard", kb), ("PyTorch", kp)):
        if k and cpu["native_bf16"] and any("native" in x for x in k["bf16"]):
            warnings.append(f"{side}'s bf16 matmul reached no oneDNN or MKL kernel on a CPU with native bf16")
    if not cpu["native_bf16"]:
        warnings.append("this CPU has neither AMX nor AVX512-BF16: bf16 is emulated on both sides (far slower than fp32); bf16 ratios compare emulations")

    print(f"CPU: {cpu['model']} (AMX {cpu['amx']}, AVX-512 {cpu['avx512']}, AVX512-BF16 {cpu['avx512_bf16']}); {rounds} interleaved rounds")
    print(f"{'':22} {'unit':9} {'Bard':>10} {'PyTorch':>10} {'ratio median [min, max]':>26}")
    for name, unit, b, p, r in rows:
        f = lambda x: f"{x:10.1f}" if isinstance(x, (int, float)) else f"{'—':>10}"
        rs = f"{r['median']:.2f} [{r['min']:.2f}, {r['max']:.2f}]" if r else "—"
        print(f"{name:22} {unit:9} {f(b)} {f(p)} {rs:>26}")
    rl, tok = pick(bard_all, what="rl_step"), pick(bard_all, what="tokenizer")
    if rl:
        print(f"RL step (64 rollouts ≤ 96 tokens): rollout {rl['rollout_s']:.2f} s, reference {rl['reference_s']:.2f} s, update {rl['update_s']:.2f} s")
    if tok:
        print(f"tokenizer (Qwen3, GSM8K questions): {tok['mb_per_s']:.1f} MB/s fresh, {tok['mb_per_s_steady']:.1f} MB/s steady")
    for side, k in (("Bard", kb), ("PyTorch", kp)):
        if k:
            print(f"{side} kernels: fp32 {', '.join(k['fp32'])}; bf16 {', '.join(k['bf16'])}; {', '.join(k['isa']) or 'no ISA line'}")
    for w in warnings:
        print("warning: " + w)

    skipped = read(os.path.join(out, "skipped.jsonl"))
    for sk in skipped:
        for m in sk["measurements"]:
            ratios.pop(m, None)
            details[m] = {"skipped": sk["why"]}
        print(f"skipped: {', '.join(sk['measurements'])} ({sk['why']})")

    line = {
        "sft_tokens_per_s": {"bard": details["sft_30m_fp32"]["bard"], "pytorch": details["sft_30m_fp32"]["pytorch"]},
        "sft_gflops": {"bard": median(sft_gflops), "ceiling_fp32": ceiling},
        "decode_tokens_per_s_b16": {"bard": details["decode_b16"]["bard"], "pytorch": details["decode_b16"]["pytorch"], "bard_no_cache": median(nc)},
        "rl_step_s": {"rollout": val(rl, "rollout_s"), "reference": val(rl, "reference_s"), "update": val(rl, "update_s")},
        "tokenizer_mb_per_s": val(tok, "mb_per_s"),
        "ratios": ratios,
        "cpu": {k: cpu[k] for k in ("model", "amx", "avx512", "avx512_bf16", "native_bf16")},
        "kernels": {"bard": kb, "pytorch": kp, "pytorch_blas": (env_pt or {}).get("blas_info"), "pytorch_openblas_core": ob.get("core"),
                    "pytorch_cpu_capability": (env_pt or {}).get("cpu_capability")},
        "warnings": warnings,
        "skipped": {m: sk["why"] for sk in skipped for m in sk["measurements"]},
        "details": details,
        "env": {"bard": pick(bard_all, what="env"), "pytorch": env_pt, "rounds": rounds},
    }
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
