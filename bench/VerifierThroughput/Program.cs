using System.Diagnostics;
using System.Text.Json;
using Bard.Eval;

// Throughput of MathVerifier on a benchmark's gold answers: each gold against itself boxed in a response (extraction,
// normalisation and the string fast path), and against the next problem's gold (the strings differ, so both are parsed and
// compared in full, random points included); then the time of one verdict on pathological answers.
// Usage: dotnet run -c Release --project bench/VerifierThroughput -- [FILE.jsonl (default data/benchmarks/math500/test.jsonl)] [FIELD (default answer)]
string path = args.Length > 0 ? args[0] : "data/benchmarks/math500/test.jsonl";
string field = args.Length > 1 ? args[1] : "answer";
var golds = File.ReadLines(path).Where(l => l.Trim().Length > 0)
    .Select(l => JsonDocument.Parse(l).RootElement.GetProperty(field).GetString()!).ToArray();
var verifier = new MathVerifier();
Console.WriteLine($"{path}: {golds.Length} gold answers");

void Pass(string what, Func<int, bool> compare, int repeats)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    int equal = 0;
    double worst = 0;
    for (int r = 0; r < repeats; r++)
        for (int k = 0; k < golds.Length; k++)
        {
            long t0 = Stopwatch.GetTimestamp();
            if (compare(k)) equal++;
            worst = Math.Max(worst, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
    double wall = sw.Elapsed.TotalSeconds, used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    int n = repeats * golds.Length;
    Console.WriteLine($"{what,-40} {n / wall,9:N0} comparisons/s wall, {n / used,9:N0} per CPU second; equal {equal / repeats}/{golds.Length}; slowest {worst:F2} ms");
}

Pass("first pass: boxed gold vs gold (Check)", k => verifier.Check($"so the answer is \\boxed{{{golds[k]}}}.", golds[k]).Correct, 1);
Pass("boxed gold vs gold (Check)", k => verifier.Check($"so the answer is \\boxed{{{golds[k]}}}.", golds[k]).Correct, 5);
Pass("gold vs next gold (mostly unequal)", k => verifier.Equivalent(golds[(k + 1) % golds.Length], golds[k]), 5);
// Pathological answers against a polynomial gold: each verdict's time.
string[] pathological =
[
    "2^{2^{2^{2^{2^{2^{2^{2}}}}}}}", "x^{10^{10}}", new string('(', 300) + "x" + new string(')', 300),
    string.Concat(Enumerable.Repeat("x+", 190)) + "x", "171!", "\\binom{10^{9}}{5}", string.Concat(Enumerable.Repeat("\\sin", 120)) + "x",
];
foreach (var a in pathological)
{
    verifier.Check($"\\boxed{{{a}}}", "x^2+1");
    var sw = Stopwatch.StartNew();
    const int n = 200;
    string reason = "";
    for (int r = 0; r < n; r++) reason = verifier.Check($"\\boxed{{{a}}}", "x^2+1").Reason;
    Console.WriteLine($"pathological {(a.Length > 40 ? a[..37] + "..." : a),-40} {sw.Elapsed.TotalMilliseconds / n,8:F3} ms per verdict: {reason[(reason.LastIndexOf(':') + 2)..]}");
}
return 0;
