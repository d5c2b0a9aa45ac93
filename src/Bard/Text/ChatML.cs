namespace Bard.Text;

/// <summary>
/// The ChatML chat template Bard writes into the <c>tokenizer_config.json</c> of students trained from scratch:
/// Qwen3's format without tools and without stripping earlier thinking, so that an SFT target renders exactly
/// as written. <c>enable_thinking=false</c> with a generation prompt opens and closes an empty think block, as Qwen3 does.
/// A <c>thinking_budget</c> template variable appends <see cref="BudgetPromptFormat.Default"/>'s budget line to the last
/// user turn, byte for byte (a golden test keeps the two equal), so that vLLM, SGLang or llama.cpp serving a Bard student
/// build Bard's prompt from <c>chat_template_kwargs: {"thinking_budget": b}</c>. Assistant turns are wrapped in
/// <c>{% generation %}</c> markers (they render nothing), which TRL's <c>assistant_only_loss</c> needs.
/// </summary>
public static class ChatML
{
    /// <summary>The Jinja source.</summary>
    public const string Template =
        "{%- set ns = namespace(last_user=-1) %}\n"
        + "{%- for message in messages %}\n"
        + "{%- if message.role == 'user' %}{%- set ns.last_user = loop.index0 %}{%- endif %}\n"
        + "{%- endfor %}\n"
        + "{%- for message in messages %}\n"
        + "{%- if message.role == 'assistant' %}\n"
        + "{{- '<|im_start|>assistant\\n' }}{% generation %}{{- message.content + '<|im_end|>' }}{% endgeneration %}{{- '\\n' }}\n"
        + "{%- elif loop.index0 == ns.last_user and thinking_budget is defined and thinking_budget is not none %}\n"
        + "{{- '<|im_start|>user\\n' + message.content + '\\nThinking budget: ' + thinking_budget|string + ' tokens.<|im_end|>\\n' }}\n"
        + "{%- else %}\n"
        + "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}\n"
        + "{%- endif %}\n"
        + "{%- endfor %}\n"
        + "{%- if add_generation_prompt %}\n"
        + "{{- '<|im_start|>assistant\\n' }}\n"
        + "{%- if enable_thinking is defined and enable_thinking is false %}\n"
        + "{{- '<think>\\n\\n</think>\\n\\n' }}\n"
        + "{%- endif %}\n"
        + "{%- endif %}\n";

    /// <summary>Start of a turn.</summary>
    public const string ImStart = "<|im_start|>";
    /// <summary>End of a turn (the end-of-sequence token of chat models).</summary>
    public const string ImEnd = "<|im_end|>";
}
