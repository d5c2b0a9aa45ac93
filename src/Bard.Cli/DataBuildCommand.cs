using Bard.Text;
using System.Text.Json;
using Bard.Data;
using Bard.Data.Assembly;

namespace Bard.Cli;

/// <summary><c>bard data build</c>: assembles budgeted samples into train/validation sets, optionally as chat JSONL.</summary>
public sealed class DataBuildCommand : CliCommand
{
    public override string Name => "data build";
    public override string Summary => "Split budgeted samples by problem into train/validation; export chat JSONL.";
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--samples", "Budgeted samples file.") { Required = true, ValueName = "FILE" },
        new("--out", "Output folder: train.jsonl, validation.jsonl, build.json (and chat/, rl/, llama-factory/ with --export).") { Required = true, ValueName = "DIR" },
        new("--val-fraction", "Share of problems (never samples) held out for validation.") { Default = "0.1", ValueName = "F" },
        new("--seed", "Seed of the split, subsampling and shuffles.") { Default = "0", ValueName = "S" },
        new("--samples-per-problem", "Keep at most N samples per problem (seeded choice); default all.") { ValueName = "N" },
        new("--include-rejected", "Keep samples outside the compressor's tolerance.") { IsFlag = true },
        new("--export", "Also write, comma-separated: chat (chat-messages JSONL for SFT with TRL / OpenRLHF), rl (prompt, label, budget for OpenRLHF, verl, TRL GRPO), llama-factory (chat JSONL with its dataset_info.json).") { ValueName = "FORMATS" },
        new("--problems", "Problems file (needed by --export for the questions and gold answers).") { ValueName = "FILE" },
        new("--budget-line", "Budget line appended to the user turn of the chat export; {budget} is replaced.") { Default = BudgetPromptFormat.Default.BudgetLineTemplate, ValueName = "TEXT" },
        new("--skip-bad", "Skip and count bad input lines instead of stopping at the first.") { IsFlag = true },
    ];

    public override int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var build = new DatasetBuildOptions
        {
            ValidationFraction = options.Double("--val-fraction"),
            Seed = options.Int("--seed"),
            SamplesPerProblem = options.Has("--samples-per-problem") ? options.Int("--samples-per-problem") : null,
            IncludeRejected = options.Flag("--include-rejected"),
        }.Validate();
        string? export = options.String("--export");
        string[] known = ["chat", "rl", "llama-factory"];
        var exports = export is null ? [] : export.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
        if (export is not null && (exports.Length == 0 || exports.FirstOrDefault(e => !known.Contains(e)) is { } unknown))
            throw new UsageException($"bard data build: --export takes chat, rl and/or llama-factory (comma-separated), got '{export}'.");
        var chat = new ChatExportOptions { Format = BudgetPromptFormat.Default with { BudgetLineTemplate = options.RequiredString("--budget-line") } };
        if (exports.Length > 0)
        {
            chat.Validate();
            if (!options.Has("--problems")) throw new UsageException($"bard data build: --export {export} needs --problems FILE (the questions and gold answers of the samples).");
        }

        var samples = DataCli.Read(options.RequiredString("--samples"), BudgetedSampleFormat.Instance, options, stderr);
        var split = DatasetBuilder.Build(samples, build);
        string dir = options.RequiredString("--out");
        Directory.CreateDirectory(dir);
        WriteAll(Path.Combine(dir, "train.jsonl"), split.Train);
        WriteAll(Path.Combine(dir, "validation.jsonl"), split.Validation);
        if (exports.Length > 0)
        {
            string problemsPath = options.RequiredString("--problems");
            var problems = ProblemIndex.ById(DataCli.Read(problemsPath, ProblemFormat.Instance, options, stderr), problemsPath);
            foreach (var (name, part) in new[] { ("train", split.Train), ("validation", split.Validation) })
            {
                if (exports.Contains("chat")) ChatExport.Write(Path.Combine(dir, "chat", $"{name}.jsonl"), part, problems, chat);
                if (exports.Contains("rl")) RlExport.Write(Path.Combine(dir, "rl", $"{name}.jsonl"), part, problems, chat);
                if (exports.Contains("llama-factory")) ChatExport.Write(Path.Combine(dir, "llama-factory", $"{name}.jsonl"), part, problems, chat);
            }
            if (exports.Contains("llama-factory"))
                LlamaFactoryExport.WriteDatasetInfo(Path.Combine(dir, "llama-factory"), [("bard_train", "train.jsonl"), ("bard_validation", "validation.jsonl")]);
        }
        WriteManifest(Path.Combine(dir, "build.json"), options, build, chat, export, split);
        stdout.WriteLine($"{dir}: train {split.Train.Count} samples of {split.TrainProblems.Count} problems, "
            + $"validation {split.Validation.Count} samples of {split.ValidationProblems.Count} problems; "
            + $"{split.DroppedRejected} rejected samples left out"
            + (split.DroppedDuplicates > 0 ? $", {split.DroppedDuplicates} duplicate samples (the same problem, budget and text again) left out" : "")
            + $"{(exports.Length == 0 ? "" : "; " + string.Join(", ", exports.Select(e => $"{e} export in {e}/")))}.");
        return 0;
    }

    static void WriteAll(string path, IEnumerable<BudgetedSample> samples)
    {
        if (File.Exists(path)) File.Delete(path); // a build is a snapshot of its inputs, not a log to resume
        using var writer = JsonlWriter<BudgetedSample>.Open(path, BudgetedSampleFormat.Instance);
        foreach (var s in samples) writer.TryAppend(s);
    }

    static void WriteManifest(string path, ParsedOptions options, DatasetBuildOptions build, ChatExportOptions chat, string? export, DatasetSplit split)
    {
        var manifest = new Dictionary<string, object?>
        {
            ["samples"] = options.String("--samples"),
            ["problems"] = options.String("--problems"),
            ["validation_fraction"] = build.ValidationFraction,
            ["seed"] = build.Seed,
            ["samples_per_problem"] = build.SamplesPerProblem,
            ["include_rejected"] = build.IncludeRejected,
            ["export"] = export,
            ["budget_line"] = export is null ? null : chat.Format.BudgetLineTemplate,
            ["train_samples"] = split.Train.Count,
            ["train_problems"] = split.TrainProblems.Count,
            ["validation_samples"] = split.Validation.Count,
            ["validation_problems"] = split.ValidationProblems.Count,
            ["dropped_rejected"] = split.DroppedRejected,
            ["dropped_duplicates"] = split.DroppedDuplicates,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
