namespace Bard.Text;

/// <summary>
/// The ChatML chat template Bard writes into the <c>tokenizer_config.json</c> of students trained from scratch:
/// Qwen3's format without tools and without stripping earlier thinking, so that an SFT target renders exactly
/// as written. <c>enable_thinking=false</c> with a generation prompt opens and closes an empty think block, as Qwen3 does.
/// </summary>
public static class ChatML
{
    /// <summary>The Jinja source.</summary>
    public const string Template =
        "{%- for message in messages %}\n"
        + "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}\n"
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
