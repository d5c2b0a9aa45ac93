namespace Bard.Data.Assembly;

/// <summary>
/// Writes RL prompts, one per budgeted sample: the conversation up to the assistant turn (the budget line in the user
/// turn, exactly as in SFT), the gold answer and the budget, under the names each trainer reads as they are:
/// <c>{"prompt":[{"role":"user","content":"…\nThinking budget: b tokens."}],"label":GOLD,"budget":b,"problem_id":…,
/// "data_source":"bard","reward_model":{"style":"rule","ground_truth":GOLD},"extra_info":{"budget":b,"problem_id":…}}</c>.
/// OpenRLHF: <c>--data.input_key prompt --data.label_key label --data.apply_chat_template</c>. TRL's GRPOTrainer: a
/// conversational <c>prompt</c> column, with <c>label</c> and <c>budget</c> passed to reward functions as keyword
/// arguments. verl: <c>prompt</c>, <c>data_source</c>, <c>reward_model.ground_truth</c> and <c>extra_info</c> as its
/// RL datasets have them (verl reads parquet: one pandas line converts, docs/openrlhf.md).
/// </summary>
public static class RlExport
{
    /// <summary>Writes one line per sample (replacing <paramref name="path"/>); every sample's problem must be in <paramref name="problems"/>.</summary>
    public static int Write(string path, IEnumerable<BudgetedSample> samples, IReadOnlyDictionary<string, Problem> problems, ChatExportOptions options) =>
        ChatExport.WriteLines(path, samples, problems, options, (json, s, problem) =>
        {
            json.WriteStartArray("prompt");
            if (options.SystemPrompt is { } system) ChatExport.Message(json, "system", system);
            ChatExport.Message(json, "user", ChatExport.Prompt(options, problem.Question, s.Budget));
            json.WriteEndArray();
            json.WriteString("label", problem.Answer);
            json.WriteNumber(RecordFields.Budget, s.Budget);
            json.WriteString(RecordFields.ProblemId, s.ProblemId);
            json.WriteString("data_source", "bard");
            json.WriteStartObject("reward_model");
            json.WriteString("style", "rule");
            json.WriteString("ground_truth", problem.Answer);
            json.WriteEndObject();
            json.WriteStartObject("extra_info");
            json.WriteNumber(RecordFields.Budget, s.Budget);
            json.WriteString(RecordFields.ProblemId, s.ProblemId);
            json.WriteEndObject();
        });
}
