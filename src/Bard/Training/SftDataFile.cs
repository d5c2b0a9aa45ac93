using System.Text.Json;
using Bard.Data;
using Bard.Text;

namespace Bard.Training;

/// <summary>
/// Reads SFT data in any of the shapes Bard writes or users bring, told apart by the first record:
/// chat-messages JSONL (<c>{"messages":[...]}</c>: TRL's conversational format and <c>bard data build --export chat</c>),
/// budgeted samples (<c>budget</c> + <c>thinking</c>: BARD's phase one; needs the problems file) or teacher
/// traces (<c>thinking</c> without a budget: budget-agnostic distillation; needs the problems file).
/// </summary>
public static class SftDataFile
{
    public enum Kind { Chat, BudgetedSamples, TeacherTraces }

    /// <summary>The kind of the first record of <paramref name="path"/>.</summary>
    public static Kind Detect(string path)
    {
        if (!File.Exists(path)) throw new BardException($"{path}: no such file.");
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) break;
                if (root.TryGetProperty("messages", out _)) return Kind.Chat;
                if (root.TryGetProperty("thinking", out _))
                    return root.TryGetProperty("budget", out _) ? Kind.BudgetedSamples : Kind.TeacherTraces;
                break;
            }
            catch (JsonException e)
            {
                throw new BardException($"{path}:{line}: not valid JSON ({e.Message}).", e);
            }
        }
        throw new BardException($"{path}: cannot tell what this file holds from its first record: expected chat messages "
            + "({\"messages\":[...]}), budgeted samples (problem_id, budget, thinking, answer) or teacher traces (problem_id, thinking, answer).");
    }

    /// <summary>Tokenized sequences of <paramref name="path"/> through <paramref name="chat"/>; <paramref name="problemsPath"/> is needed for samples and traces.</summary>
    public static (List<TrainingSequence> Sequences, Kind Kind, int Skipped, IReadOnlyList<string> SkipMessages) Read(
        string path, string? problemsPath, StudentChat chat, BadRecordPolicy policy)
    {
        var kind = Detect(path);
        if (kind == Kind.Chat)
        {
            var result = JsonlReader.Read(path, r => ReadConversation(r, chat), policy);
            return (result.Records.ToList(), kind, result.Skipped, result.SkipMessages);
        }
        if (problemsPath is null)
            throw new BardException($"{path} holds {(kind == Kind.BudgetedSamples ? "budgeted samples" : "teacher traces")}, which do not carry their questions: pass the problems file with --problems.");
        var problems = ProblemIndex.ById(JsonlReader.Read(problemsPath, ProblemFormat.Instance, policy).Records, problemsPath);
        if (kind == Kind.BudgetedSamples)
        {
            var samples = JsonlReader.Read(path, BudgetedSampleFormat.Instance, policy);
            return (SftExamples.FromSamples(samples.Records, problems, chat), kind, samples.Skipped, samples.SkipMessages);
        }
        var traces = JsonlReader.Read(path, TeacherTraceFormat.Instance, policy);
        return (SftExamples.FromTraces(traces.Records, problems, chat), kind, traces.Skipped, traces.SkipMessages);
    }

    static TrainingSequence ReadConversation(JsonRecord r, StudentChat chat)
    {
        if (!r.Root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            throw r.Error("messages", "must be an array of {\"role\", \"content\"} objects");
        var conversation = new List<ChatMessage>();
        int i = 0;
        foreach (var m in messages.EnumerateArray())
        {
            string where = $"messages[{i++}]";
            if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                || !m.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                throw r.Error(where, "needs string fields \"role\" and \"content\"");
            ChatRole parsed;
            try { parsed = ChatMessage.ParseRole(r.Text(where + ".role", role)); }
            catch (BardException e) { throw r.Error(where + ".role", e.Message); }
            conversation.Add(new ChatMessage(parsed, r.Text(where + ".content", content)));
        }
        try
        {
            var (prompt, completion) = chat.Example(conversation);
            return TrainingSequence.PromptCompletion(prompt, completion);
        }
        catch (BardException e)
        {
            throw r.Error("messages", e.Message);
        }
    }
}
