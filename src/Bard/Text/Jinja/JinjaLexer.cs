using System.Globalization;
using System.Text;

namespace Bard.Text.Jinja;

internal enum TokKind { Text, VarBegin, VarEnd, BlockBegin, BlockEnd, Name, String, Int, Float, Op, Eof }

internal readonly record struct Token(TokKind Kind, string Value, int Line);

/// <summary>
/// Splits a Jinja template into text and tag tokens with the settings transformers renders chat templates
/// with (trim_blocks, lstrip_blocks) and the <c>-</c>/<c>+</c> whitespace controls.
/// </summary>
internal sealed class JinjaLexer(string src, string name)
{
    readonly List<Token> tokens = [];
    int pos, line = 1;

    public static List<Token> Tokenize(string src, string name) => new JinjaLexer(src, name).Run();

    List<Token> Run()
    {
        bool stripLeading = false, trimNewline = false, first = true;
        while (pos <= src.Length)
        {
            int k = NextTagStart(pos);
            string text = src[pos..(k < 0 ? src.Length : k)];
            // line_starting of Jinja's lexer: the text begins a line (template start, or the previous tag ate a newline).
            bool lineStarting = first;
            if (stripLeading)
            {
                int n = 0;
                while (n < text.Length && char.IsWhiteSpace(text[n])) n++;
                lineStarting = n > 0 && text[n - 1] == '\n';
                text = text[n..];
            }
            else if (trimNewline)
            {
                string trimmed = TrimOneNewline(text);
                lineStarting = trimmed.Length != text.Length;
                text = trimmed;
            }
            first = false;
            if (k < 0) { AddText(text); break; }
            char kind = src[k + 1];
            char mod = k + 2 < src.Length ? src[k + 2] : '\0';
            if (mod == '-') text = text.TrimEnd();
            else if (mod != '+' && kind is '%' or '#') text = LstripBlock(text, lineStarting);
            AddText(text);
            line += Count(src, pos, k);
            pos = k + 2 + (mod is '-' or '+' ? 1 : 0);
            bool rightStrip, rightKeep;
            if (kind == '#')
            {
                int end = src.IndexOf("#}", pos, StringComparison.Ordinal);
                if (end < 0) throw Error("a comment {# is never closed with #}");
                rightStrip = end > pos && src[end - 1] == '-';
                rightKeep = end > pos && src[end - 1] == '+';
                line += Count(src, pos, end);
                pos = end + 2;
            }
            else
            {
                tokens.Add(new Token(kind == '{' ? TokKind.VarBegin : TokKind.BlockBegin, "", line));
                (rightStrip, rightKeep) = LexTag(kind == '{' ? '}' : '%');
                tokens.Add(new Token(kind == '{' ? TokKind.VarEnd : TokKind.BlockEnd, "", line));
            }
            stripLeading = rightStrip;
            trimNewline = !rightStrip && !rightKeep && kind is '%' or '#';
        }
        tokens.Add(new Token(TokKind.Eof, "", line));
        return tokens;
    }

    void AddText(string text)
    {
        if (text.Length > 0) tokens.Add(new Token(TokKind.Text, text, line));
    }

    static int Count(string s, int from, int to)
    {
        int n = 0;
        for (int i = from; i < to && i < s.Length; i++) if (s[i] == '\n') n++;
        return n;
    }

    int NextTagStart(int from)
    {
        for (int i = from; i + 1 < src.Length; i++)
            if (src[i] == '{' && src[i + 1] is '{' or '%' or '#') return i;
        return -1;
    }

    static string TrimOneNewline(string text) =>
        text.StartsWith("\r\n", StringComparison.Ordinal) ? text[2..]
        : text.StartsWith('\n') || text.StartsWith('\r') ? text[1..] : text;

    // lstrip_blocks: spaces and tabs between the start of a line and a block tag are removed.
    static string LstripBlock(string text, bool lineStarting)
    {
        int nl = text.LastIndexOf('\n');
        if (nl < 0 && !lineStarting) return text;
        for (int i = nl + 1; i < text.Length; i++)
            if (!char.IsWhiteSpace(text[i]) || text[i] == '\n') return text;
        return text[..(nl + 1)];
    }

    // Lexes the expression tokens of one tag up to its closing delimiter; returns its whitespace modifiers.
    (bool Strip, bool Keep) LexTag(char close)
    {
        int depth = 0;
        while (true)
        {
            while (pos < src.Length && char.IsWhiteSpace(src[pos])) { if (src[pos] == '\n') line++; pos++; }
            if (pos >= src.Length) throw Error($"a tag is never closed with {close}}}");
            if (depth == 0)
            {
                foreach (var (text, strip, keep) in new[] { ($"-{close}}}", true, false), ($"+{close}}}", false, true), ($"{close}}}", false, false) })
                {
                    if (string.CompareOrdinal(src, pos, text, 0, text.Length) == 0) { pos += text.Length; return (strip, keep); }
                }
            }
            char c = src[pos];
            if (char.IsAsciiLetter(c) || c == '_')
            {
                int s = pos;
                while (pos < src.Length && (char.IsAsciiLetterOrDigit(src[pos]) || src[pos] == '_')) pos++;
                tokens.Add(new Token(TokKind.Name, src[s..pos], line));
            }
            else if (char.IsAsciiDigit(c))
            {
                int s = pos;
                while (pos < src.Length && (char.IsAsciiDigit(src[pos]) || src[pos] == '_')) pos++;
                bool isFloat = false;
                if (pos + 1 < src.Length && src[pos] == '.' && char.IsAsciiDigit(src[pos + 1]))
                {
                    isFloat = true; pos++;
                    while (pos < src.Length && char.IsAsciiDigit(src[pos])) pos++;
                }
                if (pos < src.Length && src[pos] is 'e' or 'E')
                {
                    int e = pos + 1;
                    if (e < src.Length && src[e] is '+' or '-') e++;
                    if (e < src.Length && char.IsAsciiDigit(src[e]))
                    {
                        isFloat = true;
                        pos = e;
                        while (pos < src.Length && char.IsAsciiDigit(src[pos])) pos++;
                    }
                }
                tokens.Add(new Token(isFloat ? TokKind.Float : TokKind.Int, src[s..pos].Replace("_", ""), line));
            }
            else if (c is '\'' or '"') tokens.Add(new Token(TokKind.String, LexString(c), line));
            else
            {
                string op = ReadOp();
                if (op is "(" or "[" or "{") depth++;
                else if (op is ")" or "]" or "}") depth--;
                tokens.Add(new Token(TokKind.Op, op, line));
            }
        }
    }

    static readonly string[] Ops = ["//", "**", "==", "!=", ">=", "<=", "+", "-", "*", "/", "%", "~", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "=", "<", ">"];

    string ReadOp()
    {
        foreach (var op in Ops)
        {
            if (string.CompareOrdinal(src, pos, op, 0, op.Length) == 0) { pos += op.Length; return op; }
        }
        throw Error($"unexpected character '{src[pos]}'");
    }

    string LexString(char quote)
    {
        var sb = new StringBuilder();
        pos++;
        while (true)
        {
            if (pos >= src.Length) throw Error("a string literal is never closed");
            char c = src[pos++];
            if (c == quote) return sb.ToString();
            if (c == '\n') line++;
            if (c != '\\') { sb.Append(c); continue; }
            if (pos >= src.Length) throw Error("a string literal ends with a backslash");
            char e = src[pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'a': sb.Append('\a'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case '\n': line++; break;
                case 'x': sb.Append((char)Hex(2)); break;
                case 'u': sb.Append((char)Hex(4)); break;
                case 'U': sb.Append(char.ConvertFromUtf32(Hex(8))); break;
                default: sb.Append('\\').Append(e); break; // Python keeps unknown escapes as written
            }
        }
    }

    int Hex(int n)
    {
        if (pos + n > src.Length || !int.TryParse(src.AsSpan(pos, n), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int v))
            throw Error("a bad \\x/\\u escape in a string literal");
        pos += n;
        return v;
    }

    BardException Error(string what) => new($"{name}, line {line}: {what}.");
}
