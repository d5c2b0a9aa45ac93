using System.Text.Json;

namespace Bard.Data.Assembly;

/// <summary>
/// Writes budgeted samples as chat-messages JSONL, one conversation per line:
/// <c>{"messages":[{"role":"user","content":…},{"role":"assistant","content":"&lt;think&gt;\n…\n&lt;/think&gt;\n\nANSWER"}], "problem_id":…, "budget":…}</c>.
/// TRL's SFTTrainer reads the <c>messages</c> column as is; LLaMA-Factory reads it as sharegpt with
/// <c>"tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant"}</c>;
/// OpenRLHF with <c>--input_key messages --apply_chat_template</c>.
/// </summary>
public static class ChatExport
{
    /// <summary>The user turn for a question and budget.</summary>
    public static string Prompt(ChatExportOptions options, string question, int budget) => options.Format.AddBudget(question, budget);

    /// <summary>The assistant turn: thinking in think tags, then the answer.</summary>
    public static string Completion(ChatExportOptions options, BudgetedSample sample) => options.Format.FormatAssistant(sample.Thinking, sample.Answer);

    /// <summary>Writes one line per sample to <paramref name="path"/> (replacing it); every sample's problem must be in <paramref name="problems"/>.</summary>
    public static int Write(string path, IEnumerable<BudgetedSample> samples, IReadOnlyDictionary<string, Problem> problems, ChatExportOptions options) =>
        WriteLines(path, samples, problems, options, (json, s, problem) =>
        {
            json.WriteStartArray("messages");
            if (options.SystemPrompt is { } system) Message(json, "system", system);
            Message(json, "user", Prompt(options, problem.Question, s.Budget));
            Message(json, "assistant", Completion(options, s));
            json.WriteEndArray();
            json.WriteString(RecordFields.ProblemId, s.ProblemId);
            json.WriteNumber(RecordFields.Budget, s.Budget);
        });

    /// <summary>
    /// The exports' one loop: a JSON object per sample, one per line, written by <paramref name="fields"/> with the sample's
    /// problem (a sample whose problem is missing is an error naming it); replaces <paramref name="path"/>.
    /// </summary>
    internal static int WriteLines(string path, IEnumerable<BudgetedSample> samples, IReadOnlyDictionary<string, Problem> problems, ChatExportOptions options,
        Action<Utf8JsonWriter, BudgetedSample, Problem> fields)
    {
        options.Validate();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        int n = 0;
        foreach (var s in samples)
        {
            if (!problems.TryGetValue(s.ProblemId, out var problem))
                throw new BardException($"sample of problem '{s.ProblemId}' (budget {s.Budget}) has no problem record; pass the problems file the samples were made from with --problems.");
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                fields(json, s, problem);
                json.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
            n++;
        }
        return n;
    }

    internal static void Message(Utf8JsonWriter json, string role, string content)
    {
        json.WriteStartObject();
        json.WriteString("role", role);
        json.WriteString("content", content);
        json.WriteEndObject();
    }
}
