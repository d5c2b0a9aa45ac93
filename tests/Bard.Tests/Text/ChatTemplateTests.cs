using System.Text.Json;
using Bard.Text;

namespace Bard.Tests.Text;

public class ChatTemplateTests
{
    static ChatTemplate Qwen3Template => ChatTemplate.FromConfig(Qwen3Fixture.Tokenizer.Config!);

    static string MessagesJson(JsonElement golden) => golden.GetProperty("messages").GetRawText();

    [Theory]
    [InlineData("generation_prompt_enable_thinking_true", true, true, 2)]
    [InlineData("generation_prompt_enable_thinking_true", true, null, 2)]
    [InlineData("generation_prompt_enable_thinking_false", true, false, 2)]
    [InlineData("full_conversation", false, null, 3)]
    public void Render_Qwen3GoldenJson_IsByteIdenticalAndEncodesToGoldenIds(string key, bool addGenerationPrompt, bool? enableThinking, int messageCount)
    {
        var golden = Qwen3Fixture.Golden.GetProperty("chat_template");
        var messages = golden.GetProperty("messages").EnumerateArray().Take(messageCount)
            .Select(m => new ChatMessage(ChatMessage.ParseRole(m.GetProperty("role").GetString()!), m.GetProperty("content").GetString()!)).ToList();
        string text = Qwen3Template.Render(messages, new ChatRenderOptions { AddGenerationPrompt = addGenerationPrompt, EnableThinking = enableThinking }, Qwen3Fixture.Tokenizer.Config);
        Assert.Equal(golden.GetProperty(key).GetProperty("text").GetString(), text);
        Assert.Equal(Qwen3Fixture.Ints(golden.GetProperty(key).GetProperty("ids")), Qwen3Fixture.Tokenizer.Encode(text));
    }

    [Fact]
    public void Render_Qwen3GoldenEncodingsChatCases_AreByteIdentical()
    {
        int n = 0;
        foreach (var c in Qwen3Fixture.GoldenEncodings().Where(c => c.TryGetProperty("render_kwargs", out _)))
        {
            var kw = c.GetProperty("render_kwargs");
            var options = new ChatRenderOptions
            {
                AddGenerationPrompt = kw.TryGetProperty("add_generation_prompt", out var g) && g.GetBoolean(),
                EnableThinking = kw.TryGetProperty("enable_thinking", out var t) ? t.GetBoolean() : null,
            };
            string text = Qwen3Template.RenderJson(MessagesJson(kw), options, Qwen3Fixture.Tokenizer.Config);
            Assert.True(c.GetProperty("text").GetString() == text, $"{c.GetProperty("id").GetString()}: rendered {JsonSerializer.Serialize(text)}");
            n++;
        }
        Assert.Equal(6, n);
    }

    [Fact]
    public void Render_Qwen3ReasoningContentField_WritesThinkBlock()
    {
        var messages = new[] { ChatMessage.User("Q"), ChatMessage.Assistant("A") with { ReasoningContent = "R" } };
        Assert.Equal("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nR\n</think>\n\nA<|im_end|>\n", Qwen3Template.Render(messages));
    }

    [Fact]
    public void Render_Qwen3ToolsTemplateBranch_UsesTojson()
    {
        string json = """[{"role":"user","content":"hi"},{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{"x":1,"y":"é"}}}]}]""";
        string text = Qwen3Template.RenderJson(json);
        Assert.True(text.Contains("<tool_call>\n{\"name\": \"f\", \"arguments\": {\"x\": 1, \"y\": \"é\"}}\n</tool_call>"), JsonSerializer.Serialize(text));
    }

    const string Llama3Template =
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    [Fact]
    public void Render_Llama3Template_TrimsContentAndAddsBosOnce()
    {
        var template = ChatTemplate.Parse(Llama3Template, "llama3");
        string text = template.Render([ChatMessage.System("S"), ChatMessage.User("  Q \n")],
            new ChatRenderOptions { AddGenerationPrompt = true, SpecialTokens = new Dictionary<string, string> { ["bos_token"] = "<|begin_of_text|>" } });
        Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nQ<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", text);
    }

    [Fact]
    public void Render_ChatMLTemplate_WithAndWithoutGenerationPrompt()
    {
        var template = ChatTemplate.Parse(ChatML.Template);
        var messages = new[] { ChatMessage.User("2+2?"), ChatMessage.Assistant("<think>\nadd\n</think>\n\n4") };
        Assert.Equal("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n<think>\nadd\n</think>\n\n4<|im_end|>\n", template.Render(messages));
        Assert.Equal("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n",
            template.Render(messages[..1], new ChatRenderOptions { AddGenerationPrompt = true }));
        Assert.Equal("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
            template.Render(messages[..1], new ChatRenderOptions { AddGenerationPrompt = true, EnableThinking = false }));
    }

    public static TheoryData<ChatMessage[]> Conversations => new()
    {
        new[] { ChatMessage.User("What is 9 -5 +7 (mod 10)?") },
        new[] { ChatMessage.System("Be brief."), ChatMessage.User("2+2?") },
        new[] { ChatMessage.User("a"), ChatMessage.Assistant("<think>\nx\n</think>\n\nb"), ChatMessage.User("c\nd") },
        new[] { ChatMessage.User("2+2?"), ChatMessage.Assistant("<think>\nadd\n</think>\n\n4") }, // an SFT target: the budget goes in the user turn before it
    };

    [Theory]
    [MemberData(nameof(Conversations))]
    public void Render_ChatMLThinkingBudgetVariable_IsByteIdenticalToBudgetPromptFormat(ChatMessage[] messages)
    {
        // What vLLM / SGLang / llama.cpp build from chat_template_kwargs {"thinking_budget": b} must be Bard's own prompt.
        var template = ChatTemplate.Parse(ChatML.Template);
        foreach (int b in new[] { 0, 7, 128, 4096 })
            foreach (bool generation in new[] { true, false })
            {
                string viaVariable = template.Render(messages, new ChatRenderOptions { AddGenerationPrompt = generation, Variables = new Dictionary<string, object?> { ["thinking_budget"] = b } });
                string viaFormat = template.Render(BudgetPromptFormat.Default.WithBudget(messages, b), new ChatRenderOptions { AddGenerationPrompt = generation });
                Assert.Equal(viaFormat, viaVariable);
                Assert.Contains($"\nThinking budget: {b} tokens.<|im_end|>", viaVariable);
            }
        // No variable (or null): no budget line.
        Assert.DoesNotContain("Thinking budget", template.Render(messages, new ChatRenderOptions { Variables = new Dictionary<string, object?> { ["thinking_budget"] = null } }));
    }

    [Fact]
    public void ChatMLTemplate_MarksAssistantTurnsForTrlsAssistantOnlyLoss()
    {
        // TRL's assistant_only_loss reads the {% generation %} blocks (transformers' return_assistant_tokens_mask): around
        // every assistant turn's content and end of turn, and nowhere else.
        Assert.Contains("{% generation %}{{- message.content + '<|im_end|>' }}{% endgeneration %}", ChatML.Template);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(ChatML.Template, "\\{% generation %\\}"));
    }

    [Theory]
    [InlineData("{% macro m() %}x{% endmacro %}", "macro")]
    [InlineData("{% include 'x' %}", "include")]
    [InlineData("{{ messages | wordwrap }}", "wordwrap")]
    [InlineData("{% if x is divisible %}{% endif %}", "divisible")]
    [InlineData("{% for m in messages %}", "endfor")]
    [InlineData("{{ 'a' % 1 }}", "formatting")]
    [InlineData("{{ messages[0].content.zfill(3) }}", "zfill")]
    [InlineData("{{ strftime_now('%Y') }}", "strftime_now")]
    [InlineData("{{ raise_exception('roles must alternate') }}", "roles must alternate")]
    public void Unsupported_OrFailingTemplate_IsRefusedWithItsReason(string template, string named)
    {
        var e = Assert.Throws<BardException>(() => ChatTemplate.Parse(template, "t").Render([ChatMessage.User("u")]));
        Assert.Contains(named, e.Message);
    }

    [Theory]
    [InlineData("a\n  {% if true %}\n    x\n  {% endif %}\nb", "a\n    x\nb")]          // trim_blocks + lstrip_blocks
    [InlineData("a  {%- if true -%}  x  {%- endif -%}  b", "axb")]                        // explicit whitespace control
    [InlineData("{{ '  x ' | trim }}|{{ 'a,b,,c'.split(',') | length }}|{{ 'abc'[::-1] }}|{{ [1,2,3][1:] }}", "x|4|cba|[2, 3]")]
    [InlineData("{% set ns = namespace(n=0) %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}", "6")]
    [InlineData("{% for x in ['a','b','c'] %}{{ loop.index0 }}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}", "0a,1b,2c")]
    [InlineData("{% for x in [1,2,3,4] if x is even %}{{ x }}{% else %}none{% endfor %}", "24")]
    [InlineData("{{ y is defined }}{{ none is none }}{{ 'x' is string }}{{ 1 is string }}{{ 'b' in 'abc' }}{{ 3 not in [1,2] }}", "FalseTrueTrueFalseTrueTrue")]
    [InlineData("{{ {'a': [1, 2.5, none, true], 'b': 'q\"\\n'} | tojson }}", "{\"a\": [1, 2.5, null, true], \"b\": \"q\\\"\\n\"}")]
    [InlineData("{% if 1 > 2 %}a{% elif 2 > 1 %}b{% else %}c{% endif %}", "b")]
    [InlineData("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ 7 / 2 }} {{ 'ab' ~ 1 }} {{ 2 ** 10 }}", "3 -4 1 3.5 ab1 1024")]
    [InlineData("{{ '  a b  '.strip() }}|{{ 'xxaxx'.lstrip('x') }}|{{ 'a b  c'.split() }}", "a b|axx|['a', 'b', 'c']")]
    [InlineData("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}", "1")]
    [InlineData("{{ undefined_name }}{{ 'a' if false }}.", ".")]
    [InlineData("x\r\ny\n", "x\ny")]                                                   // newlines normalized, one trailing newline dropped
    [InlineData("{% for m in messages %}{{ m.role }}{% endfor %}\n\n", "user")]              // trim_blocks eats the newline left
    [InlineData("{{ 'a' }}\n\n", "a\n")]
    [InlineData("{{ \"they're HERE\" | title }}|{{ 'hello wORLD'.title() }}", "They'Re Here|Hello World")]
    [InlineData("{{ (1, 'b') }} {{ {'a': 1} | items | list }} {{ 1e3 }} {{ 0.1 + 0.2 }} {{ 2.5e-7 }}", "(1, 'b') [('a', 1)] 1000.0 0.30000000000000004 2.5e-07")]
    public void Render_JinjaSubset_FollowsJinjaSemantics(string template, string expected)
    {
        Assert.Equal(expected, ChatTemplate.Parse(template).Render([ChatMessage.User("u")]));
    }
}

/// <summary>A hostile or broken template stops with a clear error instead of running for minutes or eating gigabytes.</summary>
public class ChatTemplateLimitsTests
{
    [Trait("Category", "Slow")] // see README: the fast loop leaves it out
    [Theory]
    [InlineData("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "steps")]
    [InlineData("{% for i in range(10**12) %}x{% endfor %}", "range() of")]
    [InlineData("{{ 'x' * 100000000000 }}", "characters")]
    [InlineData("{% set ns = namespace(s='xx') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}", "characters")]
    [InlineData("{% for i in range(1000000) %}{{ 'y' * 100 }}{% endfor %}", "characters")]
    public void RunawayTemplate_StopsWithAClearError(string source, string expected)
    {
        var template = ChatTemplate.Parse(source, "runaway");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<BardException>(() => template.Render([ChatMessage.User("Q")]));
        Assert.Contains("runaway", e.Message);
        Assert.Contains(expected, e.Message);
        // A hang guard only (measured: well under a second).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    public static TheoryData<string, string> DeepAtParse => new()
    {
        { "{{ " + Repeat("(", 10_000) + "1" + Repeat(")", 10_000) + " }}", "expressions nest more than 200 levels deep" },
        { "{{ " + Repeat("[", 10_000) + Repeat("]", 10_000) + " }}", "expressions nest more than 200 levels deep" },
        { "{{ " + Repeat("not ", 10_000) + "x }}", "expressions nest more than 200 levels deep" },
        { "{{ " + Repeat("- ", 10_000) + "1 }}", "expressions nest more than 200 levels deep" },
        { "{{ f" + Repeat("(f", 10_000) + Repeat(")", 10_000) + " }}", "expressions nest more than 200 levels deep" },
        { Repeat("{% if true %}", 10_000) + "x" + Repeat("{% endif %}", 10_000), "statements nest more than 200 levels deep" },
        { Repeat("{% for m in messages %}", 10_000) + Repeat("{% endfor %}", 10_000), "statements nest more than 200 levels deep" },
    };

    [Theory, MemberData(nameof(DeepAtParse))]
    public void Parse_NestedTenThousandDeep_IsATemplateErrorNotAStackOverflow(string source, string expected)
    {
        var e = Assert.Throws<BardException>(() => ChatTemplate.Parse(source, "deep"));
        Assert.StartsWith("deep, line 1: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    public static TheoryData<string, string> DeepAtRender => new()
    {
        { "{{ 1" + Repeat(" + 1", 10_000) + " }}", "chains operators and filters) more than 200 levels deep" },
        { "{{ 'a'" + Repeat(" | trim", 10_000) + " }}", "chains operators and filters) more than 200 levels deep" },
        { "{{ m" + Repeat(".a", 10_000) + " }}", "chains operators and filters) more than 200 levels deep" },
        // Values nested in a loop, where no parser sees the depth: printed, compared, serialised.
        { "{% set ns = namespace(x=[]) %}{% for i in range(10000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}", "a value nests lists or dicts more than 200 levels deep" },
        { "{% set ns = namespace(x=[]) %}{% for i in range(10000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x == ns.x }}", "a value nests lists or dicts more than 200 levels deep" },
        { "{% set ns = namespace(x={}) %}{% for i in range(10000) %}{% set ns.x = {'k': ns.x} %}{% endfor %}{{ ns.x | tojson }}", "a value nests lists or dicts more than 200 levels deep" },
    };

    [Theory, MemberData(nameof(DeepAtRender))]
    public void Render_ChainedOrNestedTenThousandDeep_IsATemplateErrorNotAStackOverflow(string source, string expected)
    {
        var template = ChatTemplate.Parse(source, "deep");
        var e = Assert.Throws<BardException>(() => template.Render([ChatMessage.User("Q")]));
        Assert.StartsWith("deep, line 1: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Render_NestedWithinTheLimit_StillRenders()
    {
        string source = Repeat("{% if true %}", 150) + "{{ " + Repeat("(", 40) + "1 + 2" + Repeat(")", 40) + " }}" + Repeat("{% endif %}", 150);
        Assert.Equal("3", ChatTemplate.Parse(source).Render([ChatMessage.User("Q")]));
    }
}
