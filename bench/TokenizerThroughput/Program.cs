using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Bard.Text;

// Encoding throughput of HfTokenizer on the "question" (or another string) field of a JSONL file.
// Usage: dotnet run -c Release --project bench/TokenizerThroughput -- TOKENIZER_DIR FILE.jsonl [FIELD]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: TokenizerThroughput TOKENIZER_DIR FILE.jsonl [FIELD (default question)]");
    return 2;
}
string field = args.Length > 2 ? args[2] : "question";
var texts = File.ReadLines(args[1]).Where(l => l.Trim().Length > 0)
    .Select(l => JsonDocument.Parse(l).RootElement.GetProperty(field).GetString()!).ToArray();
double mb = texts.Sum(t => (double)Encoding.UTF8.GetByteCount(t)) / 1e6;

var load = Stopwatch.StartNew();
var tokenizer = HfTokenizer.Load(args[0]);
Console.WriteLine($"load {args[0]}: {load.Elapsed.TotalSeconds:F2} s; {texts.Length} texts, {mb:F3} MB (UTF-8)");

void Pass(string what, HfTokenizer tok, int repeats)
{
    // Wall clock, and process CPU time (JIT and GC threads included), which a busy machine disturbs less.
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    long tokens = 0;
    for (int r = 0; r < repeats; r++) foreach (var t in texts) tokens += tok.Encode(t).Length;
    double wall = sw.Elapsed.TotalSeconds, used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    Console.WriteLine($"{what,-44} {repeats * mb / wall,7:F2} MB/s wall, {repeats * mb / used,7:F2} MB/s per CPU second  ({tokens / repeats} tokens per pass)");
}

Pass("first pass (JIT cold, piece cache empty)", tokenizer, 1);
Pass("second pass (piece cache warm)", tokenizer, 1);
Pass("steady state (10 passes)", tokenizer, 10);
Pass("fresh tokenizer, JIT warm, cache empty", HfTokenizer.Load(args[0]), 1);
var batch = Stopwatch.StartNew();
tokenizer.EncodeBatch(texts);
Console.WriteLine($"{$"EncodeBatch ({Environment.ProcessorCount} cores)",-44} {mb / batch.Elapsed.TotalSeconds,7:F2} MB/s");
return 0;
