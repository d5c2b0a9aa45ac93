// bard serve throughput: random-init students with the embedded task's character tokenizer, served over loopback HTTP,
// 16 sequential requests (latency) then 64 concurrent ones (throughput, batching), with --max-batch 1 and 8.
using System.Diagnostics;
using Bard.Data.Tasks;
using Bard.Model;
using Bard.Serving;
using Bard.Text;

foreach (var preset in new[] { "micro", "small" })
{
    string dir = Path.Combine(Path.GetTempPath(), "servebench-" + preset);
    var task = new EmbeddedTask(new EmbeddedTaskOptions());
    task.SaveTokenizer(dir + "-tok");
    using (var m = new CausalLM(ModelPresets.Create(preset, task.CreateTokenizer().VocabSize, 2048))) { ModelInit.Initialize(m, 2, 0.5); Checkpoint.Save(m, dir, tokenizerDir: dir + "-tok"); }
    foreach (int maxBatch in new[] { 1, 8 })
    {
        var o = new ServeOptions { ModelName = "m", Port = 0, MaxBatchRows = maxBatch, BatchWindow = TimeSpan.FromMilliseconds(5) };
        var cfg = TokenizerConfig.Load(dir);
        await using var server = await ChatServer.StartAsync(new ChatBatcher(Checkpoint.Load(dir), HfTokenizer.Load(dir), ChatTemplate.FromConfig(cfg), cfg, o), o);
        using var ep = new ChatEndpoint(new ChatEndpointOptions { Endpoint = server.BaseUrl, Model = "m", MaxConcurrency = 64 });
        var s = new ChatRequestSettings { MaxTokens = 32, Temperature = 0, ThinkingBudget = 16, Enforcement = BudgetEnforcement.Force };
        ChatMessage[] Q(int i) => [ChatMessage.User($"Question number {i}: what is {i} + {i * 3}?")];
        for (int i = 0; i < 4; i++) await ep.CompleteAsync(Q(i), s); // warm up
        var sw = Stopwatch.StartNew();
        var lat = new List<double>();
        for (int i = 0; i < 16; i++) { var t = Stopwatch.StartNew(); await ep.CompleteAsync(Q(i), s); lat.Add(t.Elapsed.TotalMilliseconds); }
        double seqRps = 16 / sw.Elapsed.TotalSeconds;
        var before = server.Batcher.Statistics; var u0 = ep.TotalUsage;
        sw.Restart();
        var replies = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => ep.CompleteAsync(Q(i), s)));
        double conc = sw.Elapsed.TotalSeconds;
        var after = server.Batcher.Statistics; var u1 = ep.TotalUsage;
        lat.Sort();
        Console.WriteLine($"{preset} max-batch {maxBatch}: sequential {seqRps:F1} req/s, p50 {lat[8]:F0} ms; 64 concurrent: {64 / conc:F1} req/s, {(u1.CompletionTokens - u0.CompletionTokens) / conc:F0} tok/s, {after.Batches - before.Batches} batches, max {after.MaxRows} rows");
    }
}
