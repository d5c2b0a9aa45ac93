using System.Text.Json;

namespace Bard.Serving;

/// <summary>What the server does with requests that leave parts of the thinking control to it (<c>bard serve</c>'s flags).</summary>
public sealed record ThinkingDefaults
{
    /// <summary>How a <c>thinking_budget</c> (and the other budget fields that do not say) is applied when <c>budget_enforcement</c> is absent
    /// (<c>--budget-enforcement</c>). Default <see cref="BudgetEnforcement.Prompt"/>.</summary>
    public BudgetEnforcement Enforcement { get; init; } = BudgetEnforcement.Prompt;
    /// <summary>Budgets for <c>reasoning_effort</c> / <c>reasoning.effort</c> levels (<c>--effort-budgets low=256,medium=1024,high=4096</c>);
    /// empty: effort levels are refused with a 400 that says how to set them.</summary>
    public IReadOnlyDictionary<string, int> EffortBudgets { get; init; } = new Dictionary<string, int>();

    public static ThinkingDefaults Default { get; } = new();

    /// <summary>Parses <c>low=256,medium=1024,high=4096</c>; throws <see cref="BardException"/> naming the bad entry.</summary>
    public static IReadOnlyDictionary<string, int> ParseEffortBudgets(string text)
    {
        var table = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0 || !int.TryParse(part.AsSpan(eq + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int budget))
                throw new BardException($"--effort-budgets: '{part}' is not LEVEL=TOKENS (e.g. low=256,medium=1024,high=4096).");
            string level = part[..eq].Trim();
            if (!table.TryAdd(level, budget)) throw new BardException($"--effort-budgets: '{level}' is given twice.");
        }
        if (table.Count == 0) throw new BardException("--effort-budgets: give at least one LEVEL=TOKENS (e.g. low=256,medium=1024,high=4096).");
        return table;
    }
}

/// <summary>
/// The thinking control of one request, resolved from every field a client family uses for it (the table in
/// docs/serving.md): the budget and how it is applied, whether the model thinks at all, whether the reply carries the
/// reasoning. Fields that disagree are a 400 naming both.
/// </summary>
/// <param name="Budget">Thinking budget in tokens; null = none.</param>
/// <param name="Enforcement">How <paramref name="Budget"/> is applied.</param>
/// <param name="Thinking">false: thinking switched off (<c>enable_thinking: false</c>, <c>thinking.type: "disabled"</c>); null: the template's default.</param>
/// <param name="IncludeReasoning">false: the reply leaves the reasoning out (<c>include_reasoning: false</c>, <c>reasoning.exclude: true</c>).</param>
public sealed record ThinkingControl(int? Budget, BudgetEnforcement Enforcement, bool? Thinking, bool IncludeReasoning)
{
    /// <summary>One client field's say: its name, and the budget / enforcement / switch / inclusion it asks for (null = says nothing of it).</summary>
    sealed record Say(string Field, int? Budget = null, bool NoBudget = false, BudgetEnforcement? Enforcement = null, bool? Thinking = null, bool? Include = null);

    /// <summary>Reads the thinking fields of a request body; throws <see cref="ApiErrorException"/> (400) naming the field.</summary>
    public static ThinkingControl Read(JsonElement root, ThinkingDefaults defaults)
    {
        var says = new List<Say>();
        var kwargs = Object(root, "chat_template_kwargs");
        var custom = Object(root, "custom_params");

        // Bard's own: the budget, applied as budget_enforcement (or the server's default) says.
        BudgetEnforcement? explicitEnforcement = Str(root, "budget_enforcement") switch
        {
            null => null,
            "prompt" => BudgetEnforcement.Prompt,
            "force" => BudgetEnforcement.Force,
            var x => throw Bad($"'budget_enforcement' must be \"prompt\" or \"force\", got \"{x}\".", "budget_enforcement"),
        };
        if (Tokens(root, "thinking_budget", "thinking_budget", allowNone: false) is int own) says.Add(new Say("thinking_budget", own));
        // Hard caps: vLLM's thinking_token_budget, llama.cpp's thinking_budget_tokens, SGLang's custom_params.thinking_budget; −1 = no budget.
        foreach (var (obj, name, field) in new[] { (root, "thinking_token_budget", "thinking_token_budget"), (root, "thinking_budget_tokens", "thinking_budget_tokens") }
                     .Concat(custom is { } c ? [(c, "thinking_budget", "custom_params.thinking_budget")] : []))
            if (obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null)
                says.Add(Tokens(obj, name, field, allowNone: true) is int b ? new Say(field, b, Enforcement: BudgetEnforcement.Force) : new Say(field, NoBudget: true));
        // Template variables (SGLang, vLLM, Qwen): the budget stated in the prompt; the thinking switch.
        if (kwargs is { } k)
        {
            if (Tokens(k, "thinking_budget", "chat_template_kwargs.thinking_budget", allowNone: true) is int kb)
                says.Add(new Say("chat_template_kwargs.thinking_budget", kb, Enforcement: BudgetEnforcement.Prompt));
            if (Bool(k, "enable_thinking", "chat_template_kwargs.enable_thinking") is bool kt) says.Add(new Say("chat_template_kwargs.enable_thinking", Thinking: kt));
        }
        if (Bool(root, "enable_thinking", "enable_thinking") is bool et) says.Add(new Say("enable_thinking", Thinking: et));
        // Anthropic: thinking: {type: "enabled", budget_tokens} | {type: "disabled"}.
        if (Object(root, "thinking") is { } th)
        {
            switch (Str(th, "type", "thinking.type"))
            {
                case "disabled": says.Add(new Say("thinking.type", Thinking: false)); break;
                case "enabled" or "adaptive" or null:
                    if (Tokens(th, "budget_tokens", "thinking.budget_tokens", allowNone: false) is int tb) says.Add(new Say("thinking.budget_tokens", tb, Thinking: true));
                    else says.Add(new Say("thinking.type", Thinking: true));
                    break;
                case var x: throw Bad($"'thinking.type' must be \"enabled\" or \"disabled\", got \"{x}\".", "thinking.type");
            }
        }
        // OpenRouter: reasoning: {max_tokens, effort, exclude, enabled}; OpenAI: reasoning_effort; include_reasoning.
        if (Object(root, "reasoning") is { } rs)
        {
            if (Tokens(rs, "max_tokens", "reasoning.max_tokens", allowNone: false) is int rb) says.Add(new Say("reasoning.max_tokens", rb));
            if (Str(rs, "effort", "reasoning.effort") is { } re) says.Add(Effort(re, "reasoning.effort", defaults));
            if (Bool(rs, "exclude", "reasoning.exclude") is bool ex) says.Add(new Say("reasoning.exclude", Include: !ex));
            if (Bool(rs, "enabled", "reasoning.enabled") is bool en) says.Add(new Say("reasoning.enabled", Thinking: en));
        }
        if (Str(root, "reasoning_effort") is { } effort) says.Add(Effort(effort, "reasoning_effort", defaults));
        if (Bool(root, "include_reasoning", "include_reasoning") is bool inc) says.Add(new Say("include_reasoning", Include: inc));

        // Agreement: one budget (or none), one switch, one inclusion.
        Say? First(Func<Say, bool> has) => says.FirstOrDefault(has);
        void Agree(Func<Say, object?> value, Func<Say, bool> has, string what)
        {
            var first = First(has);
            if (first is null) return;
            foreach (var s in says.Where(has))
                if (!Equals(value(s), value(first)))
                    throw Bad($"'{first.Field}' and '{s.Field}' disagree on the {what} ({Show(value(first))} vs {Show(value(s))}); send one of them, or the same value in both.", s.Field);
        }
        Agree(s => s.NoBudget ? null : s.Budget, s => s.Budget is not null || s.NoBudget, "thinking budget");
        Agree(s => s.Thinking, s => s.Thinking is not null, "thinking switch");
        Agree(s => s.Include, s => s.Include is not null, "reasoning in the reply");

        int? budget = First(s => s.Budget is not null)?.Budget;
        bool? thinking = First(s => s.Thinking is not null)?.Thinking;
        if (thinking == false && budget is > 0)
            throw Bad($"'{First(s => s.Thinking == false)!.Field}' turns thinking off and '{First(s => s.Budget is not null)!.Field}' gives it {budget} tokens; send one of them.",
                First(s => s.Budget is not null)!.Field);
        // Enforcement: a hard-cap field forces (budget_enforcement must not say otherwise); then budget_enforcement; then the
        // server's default for fields that leave it open; template variables alone state the budget in the prompt.
        var budgetSays = says.Where(s => s.Budget is not null).ToList();
        BudgetEnforcement enforcement;
        if (budgetSays.FirstOrDefault(s => s.Enforcement == BudgetEnforcement.Force) is { } forcedBy)
        {
            if (explicitEnforcement == BudgetEnforcement.Prompt)
                throw Bad($"'{forcedBy.Field}' is a hard cap (the budget is forced) and 'budget_enforcement' says \"prompt\"; send one of them.", "budget_enforcement");
            enforcement = BudgetEnforcement.Force;
        }
        else if (explicitEnforcement is { } chosen) enforcement = chosen;
        else if (budgetSays.Any(s => s.Enforcement is null)) enforcement = defaults.Enforcement;
        else enforcement = BudgetEnforcement.Prompt;
        if (explicitEnforcement == BudgetEnforcement.Force && budget is null && thinking != false)
            throw Bad("'budget_enforcement' \"force\" needs a thinking budget ('thinking_budget' or another budget field).", "budget_enforcement");
        // Thinking off states no budget; the server closes the thinking at once where the template has no switch of its own.
        if (budget is null || thinking == false) (budget, enforcement) = (null, BudgetEnforcement.Prompt);
        return new ThinkingControl(budget, enforcement, thinking, First(s => s.Include is not null)?.Include ?? true);
    }

    static Say Effort(string level, string field, ThinkingDefaults defaults)
    {
        if (level is "none") return new Say(field, Thinking: false);
        if (defaults.EffortBudgets.Count == 0)
            throw Bad($"'{field}' \"{level}\" needs a budget table on the server: start bard serve with --effort-budgets low=256,medium=1024,high=4096 (your numbers), or send a budget in tokens ('thinking_budget').", field);
        return defaults.EffortBudgets.TryGetValue(level, out int b) ? new Say(field, b)
            : throw Bad($"'{field}' \"{level}\" is not one of this server's levels ({string.Join(", ", defaults.EffortBudgets.Keys)}).", field);
    }

    static string Show(object? v) => v switch { null => "none", bool b => b ? "on" : "off", _ => v.ToString()! };

    static ApiErrorException Bad(string message, string? param) => new(ApiError.BadRequest(message, param));

    static JsonElement? Object(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Object ? v : throw Bad($"'{name}' must be an object.", name);
    }

    static string? Str(JsonElement o, string name, string? field = null) => !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : throw Bad($"'{field ?? name}' must be a string.", field ?? name);

    static bool? Bool(JsonElement o, string name, string field) => !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Bad($"'{field}' must be true or false.", field);

    /// <summary>A budget in tokens: an integer ≥ 0 (or −1 = none, where <paramref name="allowNone"/>); null when absent or −1.</summary>
    static int? Tokens(JsonElement o, string name, string field, bool allowNone)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long b)) throw Bad($"'{field}' must be an integer number of tokens.", field);
        if (allowNone && b == -1) return null;
        if (b < 0) throw Bad($"'{field}' must be ≥ 0 tokens{(allowNone ? " (or −1 for no budget)" : "")}, got {b}.", field);
        return b > int.MaxValue ? int.MaxValue : (int)b;
    }
}
