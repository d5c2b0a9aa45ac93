using System.Text.Json.Nodes;
using Bard.Lora;
using Bard.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bard.Tests.Lora;

public class LoraAdapterTests
{
    static readonly long[][] Prompts = [[1, 5, 9, 2, 7, 3], [4, 4, 8, 1, 0, 6]];

    static Tensor Ids() => tensor(Prompts.SelectMany(p => p).ToArray(), [Prompts.Length, Prompts[0].Length]);

    static Tensor Logits(CausalLM model)
    {
        using var noGrad = no_grad();
        using var ids = Ids();
        return model.Forward(ids);
    }

    /// <summary>Gives every adapter random A and B of a size that moves the logits visibly.</summary>
    static void Randomize(LoraAdapters adapters, long seed)
    {
        using var noGrad = no_grad();
        using var g = new Generator((ulong)seed);
        foreach (var a in adapters.All)
        {
            a.A.copy_(randn(a.A.shape, generator: g).mul_(0.2));
            a.B.copy_(randn(a.B.shape, generator: g).mul_(0.2));
        }
    }

    [Theory]
    [InlineData("tiny-qwen3")]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-llama")]
    public void FreshAdapter_LogitsIdenticalToTheBaseModel(string fixture)
    {
        using var model = Checkpoint.Load(Fixtures.Hf(fixture));
        using var before = Logits(model);
        using var adapters = LoraAdapters.Attach(model, new LoraConfig { R = 4 }, seed: 1);
        Assert.Equal(7 * model.Config.NumLayers, adapters.All.Count);
        // A is random (PEFT's Kaiming-uniform bound 1/√in), B is zero: the output is the base's, bit for bit.
        foreach (var a in adapters.All)
        {
            double bound = 1 / Math.Sqrt(a.A.shape[1]);
            Assert.True(a.A.abs().max().item<float>() <= bound && a.A.abs().max().item<float>() > bound / 2, $"{a.Path}: A outside U(±{bound:G3})");
            Assert.Equal(0, a.B.abs().max().item<float>());
        }
        using var after = Logits(model);
        TensorAssert.Equal(before, after, $"{fixture}: logits with a fresh adapter");
    }

    [Theory]
    [InlineData("tiny-qwen3")]
    [InlineData("tiny-llama")]
    public void AdapterForward_EqualsTheMergedModel(string fixture)
    {
        using var model = Checkpoint.Load(Fixtures.Hf(fixture));
        using var baseLogits = Logits(model);
        var adapters = LoraAdapters.Attach(model, new LoraConfig { R = 8, Alpha = 16 }, seed: 2);
        Randomize(adapters, 3);
        using var adapted = Logits(model);
        Assert.True((adapted - baseLogits).abs().max().item<float>() > 1e-2, "the random adapters should move the logits");
        adapters.MergeAndDetach();
        Assert.Null(model.Adapters);
        using var merged = Logits(model);
        TensorAssert.Close(adapted, merged, 1e-5, $"{fixture}: adapter forward vs merged weights");
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad, "merging unfreezes the base"));
    }

    [Fact]
    public void Disabled_GivesTheBaseModelBackExactly_AndAdaptersResumeAfter()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        using var baseLogits = Logits(model);
        using var adapters = LoraAdapters.Attach(model, new LoraConfig { R = 4 }, seed: 1);
        Randomize(adapters, 5);
        using var adapted = Logits(model);
        using (adapters.Disabled())
        {
            using var off = Logits(model);
            TensorAssert.Equal(baseLogits, off, "logits with the adapters switched off");
        }
        using var again = Logits(model);
        TensorAssert.Equal(adapted, again, "logits after the adapters are switched back on");
    }

    [Fact]
    public void Attach_FreezesTheBase_OnlyAdapterTensorsGetGradients()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        using var adapters = LoraAdapters.Attach(model, new LoraConfig { R = 4 }, seed: 1);
        Randomize(adapters, 7); // with B = 0, A's gradient would be zero too
        using (var ids = Ids())
            model.Forward(ids).pow(2).mean().backward();
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.False(p.requires_grad, $"{name} requires a gradient");
            Assert.Null(p.grad);
        }
        foreach (var a in adapters.All)
        {
            Assert.True(a.A.grad is { } ga && ga.abs().sum().item<float>() > 0, $"{a.Path}: lora_A has no gradient");
            Assert.True(a.B.grad is { } gb && gb.abs().sum().item<float>() > 0, $"{a.Path}: lora_B has no gradient");
        }
        adapters.Dispose();
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad, "detaching unfreezes the base"));
    }

    [Fact]
    public void Targets_AndLayers_ChooseTheLayersAsPeftMatchesModuleNames()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        using (var qv = LoraAdapters.Attach(model, new LoraConfig { R = 2, Targets = ["q_proj", "v_proj"] }, 1))
            Assert.Equal(Enumerable.Range(0, model.Config.NumLayers).SelectMany(i => new[] { $"model.layers.{i}.self_attn.q_proj", $"model.layers.{i}.self_attn.v_proj" }),
                qv.All.Select(a => a.Path));
        using (var one = LoraAdapters.Attach(model, new LoraConfig { R = 2, Targets = ["down_proj"], Layers = [1] }, 1))
            Assert.Equal(["model.layers.1.mlp.down_proj"], one.All.Select(a => a.Path));
        using (var pattern = LoraAdapters.Attach(model, new LoraConfig { R = 2, TargetPattern = @".*\.0\.mlp\.(up|gate)_proj" }, 1))
            Assert.Equal(["model.layers.0.mlp.gate_proj", "model.layers.0.mlp.up_proj"], pattern.All.Select(a => a.Path));
        var e = Assert.Throws<BardException>(() => LoraAdapters.Attach(model, new LoraConfig { R = 2, Targets = ["c_attn"] }, 1));
        Assert.Contains("c_attn", e.Message);
        Assert.Contains("q_proj", e.Message);
        var head = Assert.Throws<BardException>(() => LoraAdapters.Attach(model, new LoraConfig { R = 2, Targets = ["lm_head"] }, 1));
        Assert.Contains("lm_head", head.Message);
        var deep = Assert.Throws<BardException>(() => LoraAdapters.Attach(model, new LoraConfig { R = 2, Targets = ["q_proj"], Layers = [0, 9] }, 1));
        Assert.Contains("layer 9", deep.Message);
        // Full module paths are saved as given, so that the saved adapter loads again.
        using var tmp = new TempDir();
        using (var one = LoraAdapters.Attach(model, new LoraConfig { R = 2, Targets = ["model.layers.1.self_attn.v_proj"] }, 1))
        {
            one.Save(tmp.Path);
            Assert.Equal(["model.layers.1.self_attn.v_proj"], JsonNode.Parse(File.ReadAllText(tmp.File("adapter_config.json")))!["target_modules"]!.AsArray().Select(n => n!.GetValue<string>()));
        }
        using (var again = LoraAdapters.Load(model, tmp.Path))
            Assert.Equal(["model.layers.1.self_attn.v_proj"], again.All.Select(a => a.Path));
    }

    [Theory]
    [InlineData(false, 16.0 / 8)]
    [InlineData(true, 16.0 / 2.8284271247461903)]
    public void Scaling_IsAlphaOverR_OrAlphaOverRootR_WithRsLora(bool rslora, double expected)
    {
        var c = new LoraConfig { R = 8, Alpha = 16, UseRslora = rslora };
        Assert.Equal(expected, c.Scaling, 12);
        Assert.Equal(32, new LoraConfig { R = 16 }.EffectiveAlpha); // α left out: 2·r
    }

    [Fact]
    public void ConfigFiles_LoraSectionRoundTrips_AndUnknownKeysAreRefused()
    {
        using var tmp = new TempDir();
        var config = new Bard.Training.SftConfig { Lora = new LoraConfig { R = 8, Alpha = 16, Targets = ["q_proj", "v_proj"], UseRslora = true } };
        ConfigJson.Save(config, tmp.File("sft.json"));
        var text = File.ReadAllText(tmp.File("sft.json"));
        Assert.Contains("\"use_rslora\": true", text);
        Assert.DoesNotContain("scaling", text); // derived values are not options
        var back = ConfigJson.Load<Bard.Training.SftConfig>(tmp.File("sft.json"));
        Assert.Equal(config.Lora.R, back.Lora!.R);
        Assert.Equal(config.Lora.Targets, back.Lora.Targets);
        Assert.Equal(config.Lora.Scaling, back.Lora.Scaling);
        File.WriteAllText(tmp.File("bad.json"), """{"lora": {"rank": 8}}""");
        Assert.Contains("rank", Assert.Throws<BardException>(() => ConfigJson.Load<Bard.Training.SftConfig>(tmp.File("bad.json"))).Message);
        var rl = Bard.Rl.RlConfig.FromJson("""{"lora": {"r": 4, "targets": ["all-linear"]}}""", "rl.json");
        Assert.Equal(4, rl.Lora!.R);
    }

    [Fact]
    public void SaveThenLoad_IsBitIdentical_WithPeftKeyNamesAndConfig()
    {
        using var tmp = new TempDir();
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        var config = new LoraConfig { R = 4, Alpha = 8, Dropout = 0.05, Targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] };
        using var adapters = LoraAdapters.Attach(model, config, seed: 11);
        Randomize(adapters, 12);
        using var adapted = Logits(model);
        adapters.Save(tmp.Path, baseModel: "Qwen/Qwen3-0.6B");

        // The names PEFT's save_pretrained writes (peft/utils/save_and_load.py: get_peft_model_state_dict drops the adapter
        // name "default" from "...q_proj.lora_A.default.weight"; PeftModelForCausalLM prefixes "base_model.model.").
        using (var file = SafeTensorsFile.Open(tmp.File("adapter_model.safetensors")))
        {
            Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", file.Tensors.Keys);
            Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", file.Tensors.Keys);
            Assert.Contains("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight", file.Tensors.Keys);
            Assert.Equal(2 * 7 * model.Config.NumLayers, file.Tensors.Count);
            Assert.All(file.Tensors.Keys, k => Assert.Matches(@"^base_model\.model\.model\.layers\.\d+\.(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)\.lora_[AB]\.weight$", k));
            var a = file.Info("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
            Assert.Equal([4, model.Config.HiddenSize], a.Shape);
            Assert.Equal("pt", file.Metadata["format"]);
        }
        var json = JsonNode.Parse(File.ReadAllText(tmp.File("adapter_config.json")))!.AsObject();
        Assert.Equal("LORA", json["peft_type"]!.GetValue<string>());
        Assert.Equal("CAUSAL_LM", json["task_type"]!.GetValue<string>());
        Assert.Equal(4, json["r"]!.GetValue<int>());
        Assert.Equal(8, json["lora_alpha"]!.GetValue<int>());
        Assert.Equal(0.05, json["lora_dropout"]!.GetValue<double>());
        Assert.Equal("none", json["bias"]!.GetValue<string>());
        Assert.False(json["use_rslora"]!.GetValue<bool>());
        Assert.False(json["use_dora"]!.GetValue<bool>());
        Assert.Equal("Qwen/Qwen3-0.6B", json["base_model_name_or_path"]!.GetValue<string>());
        Assert.Equal(["down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"], json["target_modules"]!.AsArray().Select(n => n!.GetValue<string>()));

        using var fresh = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        using var loaded = LoraAdapters.Load(fresh, tmp.Path);
        Assert.Equal(adapters.Config with { Targets = loaded.Config.Targets }, loaded.Config);
        for (int i = 0; i < adapters.All.Count; i++)
        {
            Assert.Equal(adapters.All[i].Path, loaded.All[i].Path);
            TensorAssert.Equal(adapters.All[i].A.detach(), loaded.All[i].A.detach(), adapters.All[i].Path + " A");
            TensorAssert.Equal(adapters.All[i].B.detach(), loaded.All[i].B.detach(), adapters.All[i].Path + " B");
        }
        using var reloaded = Logits(fresh);
        TensorAssert.Equal(adapted, reloaded, "logits after save → load");
    }

    /// <summary>An adapter folder as PEFT 0.21 writes it for target_modules=["q_proj","v_proj"] (its config keys, its tensor names).</summary>
    static void WritePeftStyle(string dir, CausalLM model, int r, JsonObject? overrides = null)
    {
        var config = JsonNode.Parse("""
            {"alpha_pattern": {}, "auto_mapping": null, "base_model_name_or_path": "tiny", "bias": "none", "corda_config": null,
             "eva_config": null, "exclude_modules": null, "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true,
             "layer_replication": null, "layers_pattern": null, "layers_to_transform": null, "loftq_config": {}, "lora_alpha": 16,
             "lora_bias": false, "lora_dropout": 0.1, "megatron_config": null, "megatron_core": "megatron.core", "modules_to_save": null,
             "peft_type": "LORA", "peft_version": "0.21.0", "qalora_group_size": 16, "r": 4, "rank_pattern": {}, "revision": null,
             "target_modules": ["v_proj", "q_proj"], "target_parameters": null, "task_type": "CAUSAL_LM", "trainable_token_indices": null,
             "use_dora": false, "use_qalora": false, "use_rslora": false}
            """)!.AsObject();
        config["r"] = r;
        foreach (var (k, v) in overrides ?? []) config[k] = v?.DeepClone();
        File.WriteAllText(Path.Combine(dir, "adapter_config.json"), config.ToJsonString());
        using var scope = NewDisposeScope();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var g = new Generator(9);
        for (int i = 0; i < model.Config.NumLayers; i++)
            foreach (var (name, outFeatures) in new[] { ("q_proj", model.Config.NumHeads * model.Config.HeadDim), ("v_proj", model.Config.NumKvHeads * model.Config.HeadDim) })
            {
                tensors.Add(new($"base_model.model.model.layers.{i}.self_attn.{name}.lora_A.weight", randn([r, model.Config.HiddenSize], generator: g)));
                tensors.Add(new($"base_model.model.model.layers.{i}.self_attn.{name}.lora_B.weight", randn([outFeatures, r], generator: g)));
            }
        SafeTensorsWriter.Write(Path.Combine(dir, "adapter_model.safetensors"), tensors, SafeTensorsWriter.DefaultMetadata);
    }

    [Fact]
    public void Load_AdapterWrittenAsPeftWritesIt_AppliesEveryPairWithAlphaOverR()
    {
        using var tmp = new TempDir();
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        WritePeftStyle(tmp.Path, model, r: 4);
        using var adapters = LoraAdapters.Load(model, tmp.Path);
        Assert.Equal(2 * model.Config.NumLayers, adapters.All.Count);
        Assert.Equal(4.0, adapters.All[0].Scaling); // 16 / 4
        Assert.Equal(0.1, adapters.All[0].Dropout);
        // y = W x + s · B A x, checked on one layer directly.
        var layer = model.DecoderLinears().First(l => l.Path == "model.layers.0.self_attn.q_proj");
        using var x = randn(3, model.Config.HiddenSize);
        using var noGrad = no_grad();
        var w = layer.Linear.weight!; // Linear's own parameter: not to be disposed
        using var expected = x.matmul(w.t()) + 4.0 * x.matmul(adapters.All[0].A.t()).matmul(adapters.All[0].B.t());
        using var actual = layer.Slot.Forward(layer.Linear, x, training: false);
        TensorAssert.Close(expected, actual, 1e-4, "q_proj with PEFT's adapter");
    }

    [Fact]
    public void SharedInput_OnABf16Base_CastsOnceAndGivesWhatEachLayerWouldAlone()
    {
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        model.to(ScalarType.BFloat16);
        using var adapters = LoraAdapters.Attach(model, new LoraConfig { R = 4 }, seed: 1);
        Randomize(adapters, 13);
        var layers = model.DecoderLinears().Where(l => l.Layer == 0 && l.Path.Contains("self_attn.") && !l.Path.EndsWith("o_proj")).ToList();
        using var noGrad = no_grad();
        using var x = randn(2, 3, model.Config.HiddenSize).to(ScalarType.BFloat16);
        using var shared = LoraSlot.SharedInput(x, layers.Select(l => l.Slot).ToArray());
        Assert.NotNull(shared);
        Assert.Equal(ScalarType.Float32, shared!.dtype);
        foreach (var l in layers)
        {
            using var alone = l.Slot.Forward(l.Linear, x, training: false);
            using var withShared = l.Slot.Forward(l.Linear, x, training: false, shared);
            Assert.Equal(ScalarType.BFloat16, withShared.dtype);
            TensorAssert.Equal(alone, withShared, l.Path);
        }
        using (adapters.Disabled())
            Assert.Null(LoraSlot.SharedInput(x, layers.Select(l => l.Slot).ToArray())); // nothing to cast for
    }

    [Theory]
    [InlineData("use_dora", "true", "DoRA")]
    [InlineData("bias", "\"all\"", "bias")]
    [InlineData("modules_to_save", "[\"lm_head\"]", "modules_to_save")]
    [InlineData("rank_pattern", "{\"q_proj\": 8}", "rank_pattern")]
    [InlineData("peft_type", "\"IA3\"", "LoRA adapters only")]
    [InlineData("r", "8", "lora_A.weight' is [4,")]
    public void Load_WhatBardCannotApply_IsRefusedByName(string key, string value, string expected)
    {
        using var tmp = new TempDir();
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        WritePeftStyle(tmp.Path, model, r: 4);
        var config = JsonNode.Parse(File.ReadAllText(tmp.File("adapter_config.json")))!.AsObject();
        config[key] = JsonNode.Parse(value);
        File.WriteAllText(tmp.File("adapter_config.json"), config.ToJsonString());
        var e = Assert.Throws<BardException>(() => LoraAdapters.Load(model, tmp.Path));
        Assert.Contains(expected, e.Message);
        Assert.Null(model.Adapters);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad, "a refused load leaves the model as it was"));
    }

    [Fact]
    public void Load_MissingFilesAndStrayTensors_NameTheFileAndTheFix()
    {
        using var tmp = new TempDir();
        using var model = Checkpoint.Load(Fixtures.Hf("tiny-qwen3"));
        Assert.Contains("adapter_config.json", Assert.Throws<BardException>(() => LoraAdapters.Load(model, tmp.Path)).Message);
        WritePeftStyle(tmp.Path, model, r: 4, new JsonObject { ["target_modules"] = new JsonArray("q_proj") });
        var e = Assert.Throws<BardException>(() => LoraAdapters.Load(model, tmp.Path));
        Assert.Contains("v_proj.lora_A.weight", e.Message); // in the file, not in target_modules
        File.Delete(tmp.File("adapter_model.safetensors"));
        File.WriteAllText(tmp.File("adapter_model.bin"), "pickle");
        Assert.Contains("safe_serialization=True", Assert.Throws<BardException>(() => LoraAdapters.Load(model, tmp.Path)).Message);
    }

    [Fact]
    public void ReadConfig_PeftDefaults_RegexTargetsAndLayerIndices()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("adapter_config.json"), """{"peft_type": "LORA", "task_type": "CAUSAL_LM"}""");
        var defaults = PeftFormat.ReadConfig(tmp.Path);
        Assert.Equal((8, 8.0, 0.0), (defaults.R, defaults.EffectiveAlpha, defaults.Dropout));
        Assert.Equal(["q_proj", "v_proj"], defaults.Targets); // PEFT's default for Llama and Qwen
        File.WriteAllText(tmp.File("adapter_config.json"), """{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ".*\\.1\\.mlp\\.down_proj"}""");
        var regex = PeftFormat.ReadConfig(tmp.Path);
        Assert.Equal(@".*\.1\.mlp\.down_proj", regex.TargetPattern);
        Assert.True(regex.AppliesTo("model.layers.1.mlp.down_proj", 1));
        Assert.False(regex.AppliesTo("model.layers.0.mlp.down_proj", 0));
        Assert.False(regex.AppliesTo("model.layers.1.mlp.up_proj", 1));
        File.WriteAllText(tmp.File("adapter_config.json"), """{"peft_type": "LORA", "target_modules": ["down_proj"], "layers_to_transform": 1}""");
        var layer = PeftFormat.ReadConfig(tmp.Path);
        Assert.Equal([1], layer.Layers!);
        Assert.True(layer.AppliesTo("model.layers.1.mlp.down_proj", 1));
        Assert.False(layer.AppliesTo("model.layers.0.mlp.down_proj", 0));
        File.WriteAllText(tmp.File("adapter_config.json"), """{"peft_type": "LORA", "target_modules": ["down_proj"], "layers_to_transform": []}""");
        Assert.Null(PeftFormat.ReadConfig(tmp.Path).Layers); // PEFT: an empty list is every layer
        // PEFT's LoraConfig refuses a regular expression with layers_to_transform; so does Bard.
        File.WriteAllText(tmp.File("adapter_config.json"), """{"peft_type": "LORA", "target_modules": ".*down_proj", "layers_to_transform": [0]}""");
        Assert.Contains("target_pattern", Assert.Throws<BardException>(() => PeftFormat.ReadConfig(tmp.Path)).Message);
        File.WriteAllText(tmp.File("adapter_config.json"), """{"peft_type": "LORA", "target_modules": [3]}""");
        Assert.Contains("target_modules", Assert.Throws<BardException>(() => PeftFormat.ReadConfig(tmp.Path)).Message);
    }
}
