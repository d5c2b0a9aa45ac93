#!/usr/bin/env python3
"""The transformers (PyTorch) side of bench/gpu: the same measurements as `bard bench`.

Qwen3ForCausalLM randomly initialised from Qwen3Config with the shapes of src/Bard/Bench/BenchShapes.cs.
SFT step: fp32 master weights, bf16 autocast (the usual mixed precision: bf16 compute, fp32 weights, gradients
and AdamW state), torch.optim.AdamW, gradient clipping at 1, loss on every token; warm-up steps not timed.
Decode: the model in bf16, greedy generate() with the KV cache, prompt P, N new tokens; decode tokens/s =
batch * (N - 1) / (t(N) - t(1)). MFU uses the same FLOPs formula as BenchShapes.TrainingFlopsPerToken.
One JSON line per shape on stdout; "skipped: no CUDA" (exit 0) when CUDA is asked for and absent.
"""
import argparse, json, sys, time

SHAPES = {  # d, layers, heads, intermediate, tied
    "tiny": (64, 2, 2, 192, True),
    "0.6b": (1024, 28, 16, 3072, True),
    "1.7b": (2048, 28, 16, 6144, True),
    "8b": (4096, 36, 32, 12288, False),
}


def skip(reason):
    print(f"hf_bench: skipped: {reason}", file=sys.stderr)
    print(json.dumps({"impl": "hf", "skipped": reason}))
    sys.exit(0)


def config_for(name, Qwen3Config):
    d, layers, heads, inter, tied = SHAPES[name]
    tiny = name == "tiny"
    return Qwen3Config(vocab_size=512 if tiny else 151936, hidden_size=d, intermediate_size=inter, num_hidden_layers=layers,
                       num_attention_heads=heads, num_key_value_heads=1 if tiny else 8, head_dim=32 if tiny else 128,
                       max_position_embeddings=40960, rope_theta=1000000.0, rms_norm_eps=1e-6, tie_word_embeddings=tied,
                       attention_bias=False, use_cache=True)


def flops_per_token(c, params, seq_len):
    matmul = params - (0 if c.tie_word_embeddings else c.vocab_size * c.hidden_size)
    return 6 * matmul + 12 * c.num_hidden_layers * c.num_attention_heads * c.head_dim * seq_len


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--sizes", default="0.6b,1.7b,8b")
    ap.add_argument("--seq-len", type=int, default=2048)
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--precision", default="bf16", choices=["bf16", "fp32"])
    ap.add_argument("--gradient-checkpointing", action="store_true")
    ap.add_argument("--lora-r", type=int, default=0, help="SFT with PEFT LoRA adapters of rank R on all-linear (alpha 2R) on a bf16 base")
    ap.add_argument("--decode-batches", default="1,32")
    ap.add_argument("--prompt-len", type=int, default=128)
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--peak-tflops", type=float, default=0)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    try:
        import torch
        from transformers import Qwen3Config, Qwen3ForCausalLM
    except ImportError as e:
        skip(f"no PyTorch/transformers ({e})")
    if a.device.startswith("cuda") and not torch.cuda.is_available():
        skip("no CUDA: torch.cuda.is_available() is false")
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    device = torch.device(a.device)
    cuda = device.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    bf16 = a.precision == "bf16"
    dtype = torch.bfloat16 if bf16 else torch.float32
    total_mem = torch.cuda.get_device_properties(device).total_memory if cuda else None
    gpu = torch.cuda.get_device_name(device) if cuda else "cpu"

    for name in a.sizes.split(","):
        name = name.strip()
        c = config_for(name, Qwen3Config)
        line = {"impl": "hf", "shape": name, "device": a.device, "gpu": gpu, "precision": a.precision,
                "torch": torch.__version__, "transformers": __import__("transformers").__version__}
        # --- SFT step -------------------------------------------------------------------------------
        sft = {"batch": a.batch_size, "seq_len": a.seq_len, "gradient_checkpointing": a.gradient_checkpointing}
        with torch.device("meta"):
            params = sum(p.numel() for p in Qwen3ForCausalLM(c).parameters())
        line["params"] = params
        # fp32 weights, gradients and AdamW moments (16 bytes per parameter) + autocast's bf16 weight cache (2);
        # LoRA: the model is built in fp32 (4), then cast to a frozen bf16 base with small adapters.
        needed = (4 if a.lora_r else 18) * params
        model = None
        peft = None
        if a.lora_r:
            sft["lora_r"] = a.lora_r
            try:
                import peft
            except ImportError as e:
                sft["skipped"] = f"no PEFT installed ({e})"
        if "skipped" in sft:
            pass
        elif total_mem is not None and needed > total_mem:
            sft["skipped"] = f"fp32 weights, gradients, AdamW state and autocast's bf16 weight copies alone need {needed / 1e9:.1f} GB > {total_mem / 1e9:.1f} GB"
        else:
            torch.manual_seed(0)
            with torch.device(device):  # initialised where it trains (fast on a GPU)
                model = Qwen3ForCausalLM(c)  # fp32 master weights
            try:
                if a.gradient_checkpointing:
                    model.gradient_checkpointing_enable()
                if peft is not None:  # bf16 base, adapters in fp32 (PEFT's autocast_adapter_dtype), no autocast needed
                    model = model.to(torch.bfloat16)
                    if a.gradient_checkpointing:
                        model.enable_input_require_grads()
                    model = peft.get_peft_model(model, peft.LoraConfig(r=a.lora_r, lora_alpha=2 * a.lora_r, target_modules="all-linear", task_type="CAUSAL_LM"))
                    sft["trainable_params"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
                    sft["peft"] = peft.__version__
                model.train()
                opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-5, betas=(0.9, 0.95), weight_decay=0.1)
                g = torch.Generator().manual_seed(1)
                times = []
                if cuda:  # after building (and, for LoRA, casting) the model: the peak is the training's
                    torch.cuda.reset_peak_memory_stats(device)
                for step in range(a.warmup + a.steps):
                    ids = torch.randint(1, c.vocab_size, (a.batch_size, a.seq_len), generator=g).to(device)
                    sync()
                    t0 = time.perf_counter()
                    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16 and peft is None):
                        loss = model(input_ids=ids, labels=ids).loss
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                    opt.step()
                    opt.zero_grad(set_to_none=True)
                    loss.item()
                    sync()
                    if step >= a.warmup:
                        times.append(time.perf_counter() - t0)
                tps = a.batch_size * a.seq_len * len(times) / sum(times)
                sft["tokens_per_s"] = round(tps, 1)
                if cuda:
                    sft["peak_memory_gb"] = round(torch.cuda.max_memory_allocated(device) / 1e9, 2)
                if a.peak_tflops > 0:
                    sft["mfu"] = round(tps * flops_per_token(c, params, a.seq_len) / (a.peak_tflops * 1e12), 4)
            except torch.cuda.OutOfMemoryError as e:
                sft["skipped"] = f"out of memory: {str(e).splitlines()[0]}"
        line["sft"] = sft
        model = opt = None
        if cuda:
            torch.cuda.empty_cache()
        # --- KV-cache decode ------------------------------------------------------------------------
        decode = {"prompt_len": a.prompt_len, "new_tokens": a.new_tokens}
        torch.manual_seed(0)
        with torch.device(device):
            model = Qwen3ForCausalLM(c).to(dtype).eval()
        g = torch.Generator().manual_seed(2)
        for b in [int(x) for x in a.decode_batches.split(",")]:
            ids = torch.randint(1, c.vocab_size, (b, a.prompt_len), generator=g).to(device)

            def run(n):
                sync()
                t0 = time.perf_counter()
                with torch.inference_mode():
                    model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=n, min_new_tokens=n,
                                   do_sample=False, use_cache=True, pad_token_id=0, eos_token_id=None)
                sync()
                return time.perf_counter() - t0

            run(2)  # warm-up
            prefill, full = run(1), run(a.new_tokens)
            decode[f"batch_{b}_tokens_per_s"] = round(b * (a.new_tokens - 1) / max(full - prefill, 1e-9), 1)
        line["decode"] = decode
        del model
        if cuda:
            torch.cuda.empty_cache()
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
