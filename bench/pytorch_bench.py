#!/usr/bin/env python3
"""The PyTorch side of bench/run (issue 9): the same models, SFT steps and decode loops as bench/Bard.Bench, in plain
PyTorch on the same machine. One JSON line per measurement on stdout ("impl": "pytorch"), progress on stderr.

The model is Bard's CausalLM (Qwen3 style) written out in torch.nn: token embeddings, per layer RMSNorm → q/k/v
projections, q/k RMSNorm over the head dimension, rotary embeddings (rotate-half), causal attention, output
projection, residual; RMSNorm → SwiGLU MLP, residual; final RMSNorm; output projection tied to the embeddings.
Attention is written with matmul + softmax when the installed PyTorch has no F.scaled_dot_product_attention
(Debian 12's PyTorch 1.13 has none), and uses it otherwise.

    python3 bench/pytorch_bench.py [--quick] [--threads N] [--only matmul,sft,decode] [--student-vocab V]

--only also takes single measurements (matmul_fp32, matmul_bf16, sft_student_fp32, sft_student_bf16, sft_30m_fp32,
sft_30m_bf16), which bench/run interleaves with Bard's, and "kernels": small fp32 and bf16 matmuls and linears between
"#kernel-probe DTYPE" marker lines, for bench/run to run under DNNL_VERBOSE / MKL_VERBOSE; the env line names the BLAS
and, for OpenBLAS, the core type it detected (a generic core on a modern CPU is reported as such).
"""
import argparse, json, math, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

SDPA = hasattr(F, "scaled_dot_product_attention")


def log(msg):
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


def emit(line):
    line["impl"] = "pytorch"
    print(json.dumps(line), flush=True)


class RMSNorm(nn.Module):
    def __init__(self, n, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        h = x.float()
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * h.to(x.dtype)


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


class Layer(nn.Module):
    def __init__(self, d, h, inter):
        super().__init__()
        self.h, self.hd = h, d // h
        self.input_layernorm = RMSNorm(d)
        self.q_proj, self.k_proj, self.v_proj, self.o_proj = (nn.Linear(d, d, bias=False) for _ in range(4))
        self.q_norm, self.k_norm = RMSNorm(self.hd), RMSNorm(self.hd)
        self.post_attention_layernorm = RMSNorm(d)
        self.gate_proj, self.up_proj = nn.Linear(d, inter, bias=False), nn.Linear(d, inter, bias=False)
        self.down_proj = nn.Linear(inter, d, bias=False)

    def attention(self, x, cos, sin, cache, pos):
        b, t, _ = x.shape
        q = self.q_norm(self.q_proj(x).view(b, t, self.h, self.hd)).transpose(1, 2)
        k = self.k_norm(self.k_proj(x).view(b, t, self.h, self.hd)).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.h, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:  # preallocated [B, H, S_max, D]
            kc, vc = cache
            kc[:, :, pos:pos + t] = k
            vc[:, :, pos:pos + t] = v
            k, v = kc[:, :, :pos + t], vc[:, :, :pos + t]
        causal = t > 1
        if SDPA:
            o = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        else:
            s = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(self.hd))
            if causal:  # t new positions after pos cached ones (pos = 0 here)
                s = s + torch.full((t, k.shape[2]), float("-inf"), dtype=s.dtype).triu(1 + k.shape[2] - t)
            o = s.float().softmax(-1).to(q.dtype) @ v
        return self.o_proj(o.transpose(1, 2).reshape(b, t, -1))

    def forward(self, x, cos, sin, cache=None, pos=0):
        x = x + self.attention(self.input_layernorm(x), cos, sin, cache, pos)
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class CausalLM(nn.Module):
    def __init__(self, vocab, d, layers, heads, inter, theta=10000.0, max_pos=2048):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, d)
        self.layers = nn.ModuleList(Layer(d, heads, inter) for _ in range(layers))
        self.norm = RMSNorm(d)
        hd = d // heads
        inv = 1.0 / theta ** (torch.arange(0, hd, 2).float() / hd)
        ang = torch.outer(torch.arange(max_pos).float(), inv)
        ang = torch.cat((ang, ang), -1)
        self.register_buffer("cos", ang.cos(), persistent=False)
        self.register_buffer("sin", ang.sin(), persistent=False)
        with torch.no_grad():
            for name, p in self.named_parameters():
                if not name.endswith("norm.weight"):
                    p.normal_(0, 0.02)

    def forward(self, ids, caches=None, pos=0):
        t = ids.shape[1]
        x = self.embed_tokens(ids)
        cos, sin = self.cos[pos:pos + t].to(x.dtype), self.sin[pos:pos + t].to(x.dtype)
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, None if caches is None else caches[i], pos)
        return self.norm(x)

    def logits(self, hidden):
        return F.linear(hidden, self.embed_tokens.weight)


SHAPES = {  # vocab (None: the student's), d, layers, heads, intermediate — bench/Bard.Bench's Shapes
    "student": (None, 256, 4, 4, 768),
    "30m": (4096, 512, 8, 8, 1536),
}


def build(name, student_vocab):
    vocab, d, layers, heads, inter = SHAPES[name]
    torch.manual_seed(1)
    return CausalLM(vocab or student_vocab, d, layers, heads, inter)


def params_and_flops(model, seq):
    n = sum(p.numel() for p in model.parameters())  # tied: the embedding matrix is the output projection
    layers = len(model.layers)
    heads, hd = model.layers[0].h, model.layers[0].hd
    return n, 6 * n + 12 * layers * heads * hd * seq


def matmul(n, dtype, repeats):
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(n, n, generator=g).to(dtype), torch.randn(n, n, generator=g).to(dtype)
    for _ in range(3):
        a @ b
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t0)
    times.sort()
    return 2 * n ** 3 / times[len(times) // 2] / 1e9


def sft(model, bf16, batch, seq, warmup, steps):
    """The same step as Bard's SftTrainer: fp32 master weights (bf16: autocast compute), mean token loss over all
    targets, backward, gradient clipping at 1, AdamW, zero grads, host read of the loss."""
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.0)
    g = torch.Generator().manual_seed(1)
    vocab = model.embed_tokens.num_embeddings
    model.train()
    times = []
    for step in range(warmup + steps):
        ids = torch.randint(1, vocab, (batch, seq), generator=g)
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model.logits(model(ids))
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, vocab).float(), ids[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss.item()
        if step >= warmup:
            times.append(time.perf_counter() - t0)
    return batch * seq * len(times) / sum(times)


def prompts(batch, length, vocab):
    g = torch.Generator().manual_seed(2)
    return torch.randint(1, vocab, (batch, length), generator=g)


@torch.inference_mode()
def decode(model, batch, prompt_len, new_tokens):
    """Greedy generation with a preallocated KV cache; batch · new_tokens / time, the prompt's prefill included."""
    model.eval()
    vocab = model.embed_tokens.num_embeddings
    ids = prompts(batch, prompt_len, vocab)
    l0 = model.layers[0]

    def run(n):
        caches = [(torch.empty(batch, l0.h, prompt_len + n, l0.hd), torch.empty(batch, l0.h, prompt_len + n, l0.hd)) for _ in model.layers]
        h = model(ids, caches, 0)
        nxt = model.logits(h[:, -1:]).argmax(-1)
        out = [nxt]
        for i in range(1, n):
            h = model(nxt, caches, prompt_len + i - 1)
            nxt = model.logits(h).argmax(-1)
            out.append(nxt)
        return torch.cat(out, 1)

    run(8)
    t0 = time.perf_counter()
    out = run(new_tokens)
    assert out.shape == (batch, new_tokens)
    return batch * new_tokens / (time.perf_counter() - t0)


@torch.inference_mode()
def decode_no_cache(model, batch, prompt_len, new_tokens):
    model.eval()
    ids = prompts(batch, prompt_len, model.embed_tokens.num_embeddings)
    t0 = time.perf_counter()
    for _ in range(new_tokens):
        h = model(ids)
        ids = torch.cat([ids, model.logits(h[:, -1:]).argmax(-1)], 1)
    return batch * new_tokens / (time.perf_counter() - t0)


def openblas_info():
    """The loaded OpenBLAS's config string and detected core (e.g. "Zen", "Haswell", "Prescott"), or None."""
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            path = next((l.split()[-1] for l in f if "openblas" in l.lower() and l.split()[-1].startswith("/")), None)
        if path is None:
            return None
        lib = ctypes.CDLL(path)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        return {"library": path, "core": lib.openblas_get_corename().decode(), "config": lib.openblas_get_config().decode().strip()}
    except (OSError, AttributeError):
        return None


def runs(only, section, item=None):
    return section in only or (item is not None and item in only) or (item is None and any(o.startswith(section + "_") for o in only))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--only", default="matmul,sft,decode")
    ap.add_argument("--student-vocab", type=int, required=True, help="the embedded-task student's vocabulary (bench/run reads it from Bard.Bench)")
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    only = set(a.only.split(","))
    blas = next((l.split("BLAS_INFO=")[1].split(",")[0] for l in torch.__config__.show().splitlines() if "BLAS_INFO=" in l), "?")
    log(f"pytorch_bench: torch {torch.__version__}, {torch.get_num_threads()} threads, BLAS_INFO={blas}, SDPA {'yes' if SDPA else 'no (matmul + softmax)'}")
    capability = next((l.split(":", 1)[1].strip() for l in torch.__config__.show().splitlines() if "CPU capability usage" in l), None)
    emit({"what": "env", "torch": torch.__version__, "threads": torch.get_num_threads(), "sdpa": SDPA, "blas_info": blas,
          "cpu_capability": capability, "mkldnn": torch.backends.mkldnn.is_available(), "openblas": openblas_info()})

    if "kernels" in only:
        for dtype, name in ((torch.float32, "fp32"), (torch.bfloat16, "bf16")):
            print(f"#kernel-probe {name}", flush=True)
            a, w = torch.randn(256, 256).to(dtype), torch.randn(512, 256).to(dtype)
            for _ in range(2):
                (a @ a).sum().item()
                F.linear(a, w).sum().item()
            print("#kernel-probe end", flush=True)

    if runs(only, "matmul"):
        for dtype, name in ((torch.float32, "fp32"), (torch.bfloat16, "bf16")):
            if not runs(only, "matmul", f"matmul_{name}"):
                continue
            emit({"what": "matmul", "dtype": name, "n": 1024, "gflops": round(matmul(1024, dtype, 5 if a.quick else 20), 1)})

    if runs(only, "sft"):
        for name in ("student", "30m"):
            for precision in ("fp32", "bf16"):
                if not runs(only, "sft", f"sft_{name}_{precision}"):
                    continue
                model = build(name, a.student_vocab)
                batch, seq, warmup = 16, 256, 1
                steps = 2 if a.quick else (4 if name == "30m" else 10)
                n, fpt = params_and_flops(model, seq)
                log(f"sft {name} {precision}: {n:,} parameters, {batch}x{seq}, {warmup}+{steps} steps")
                tps = sft(model, precision == "bf16", batch, seq, warmup, steps)
                emit({"what": "sft", "model": name, "precision": precision, "params": n, "batch": batch, "seq_len": seq,
                      "tokens_per_s": round(tps, 1), "gflops": round(tps * fpt / 1e9, 1)})

    if "decode" in only:
        model = build("student", a.student_vocab)
        prompt, new = 16, 32 if a.quick else 256
        for b in (1, 16, 64):
            log(f"decode student, KV cache, batch {b}, {new} new tokens")
            emit({"what": "decode", "model": "student", "cache": True, "batch": b, "prompt_len": prompt, "new_tokens": new,
                  "tokens_per_s": round(decode(model, b, prompt, new), 1)})
        log(f"decode student, no cache, batch 16, {new} new tokens")
        emit({"what": "decode", "model": "student", "cache": False, "batch": 16, "prompt_len": prompt, "new_tokens": new,
              "tokens_per_s": round(decode_no_cache(model, 16, prompt, new), 1)})


if __name__ == "__main__":
    main()
