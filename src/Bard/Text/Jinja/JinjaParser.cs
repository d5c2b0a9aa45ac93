using System.Globalization;

namespace Bard.Text.Jinja;

/// <summary>
/// Parses template tokens into statements. Anything outside the subset (macros, includes, blocks, unknown
/// filters or tests) is refused here, at load time, with the line and the construct named.
/// </summary>
internal sealed class JinjaParser(List<Token> tokens, string name)
{
    /// <summary>
    /// Deepest nesting of statements (an if in a for in …) and of expressions (parentheses, lists, arguments, unary
    /// operators) a template may have, and deepest chain of operators, filters or nested values a render may evaluate.
    /// Parsing and rendering recurse; without a bound a template nested 10,000 deep would overflow the stack and kill
    /// the process. Chat templates nest a handful of levels.
    /// </summary>
    public const int MaxDepth = 200;

    int i, depth, statementDepth;

    /// <summary>One level deeper into an expression; a <see cref="BardException"/> past <see cref="MaxDepth"/>. Pair with <c>depth--</c>.</summary>
    void Enter()
    {
        if (++depth > MaxDepth) throw TooDeep("expressions");
    }

    BardException TooDeep(string what) =>
        Error($"{what} nest more than {MaxDepth} levels deep; a chat template needs far fewer (is the template generated or corrupted?)");

    public static List<Stmt> Parse(string src, string name)
    {
        // As Jinja's lexer does: every newline becomes "\n", and one trailing newline is dropped (keep_trailing_newline=False).
        var lines = System.Text.RegularExpressions.Regex.Split(src, "\r\n|\r|\n").ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        src = string.Join("\n", lines);
        var p = new JinjaParser(JinjaLexer.Tokenize(src, name), name);
        var body = p.ParseBody(out string? end);
        if (end is not null) throw p.Error($"'{end}' without a matching opening tag");
        return body;
    }

    Token Cur => tokens[i];
    Token Peek(int k = 1) => tokens[Math.Min(i + k, tokens.Count - 1)];
    Token Next() => tokens[i++];
    bool IsOp(string op) => Cur.Kind == TokKind.Op && Cur.Value == op;
    bool IsName(string n) => Cur.Kind == TokKind.Name && Cur.Value == n;

    void ExpectOp(string op)
    {
        if (!IsOp(op)) throw Error($"expected '{op}' but found '{Describe(Cur)}'");
        i++;
    }

    void ExpectName(string n)
    {
        if (!IsName(n)) throw Error($"expected '{n}' but found '{Describe(Cur)}'");
        i++;
    }

    string NameToken()
    {
        if (Cur.Kind != TokKind.Name) throw Error($"expected a name but found '{Describe(Cur)}'");
        return Next().Value;
    }

    void ExpectBlockEnd()
    {
        if (Cur.Kind != TokKind.BlockEnd) throw Error($"expected '%}}' but found '{Describe(Cur)}'");
        i++;
    }

    static string Describe(Token t) => t.Kind switch
    {
        TokKind.BlockEnd => "%}", TokKind.VarEnd => "}}", TokKind.Eof => "end of template", _ => t.Value,
    };

    static readonly HashSet<string> EndKeywords = ["endif", "elif", "else", "endfor", "endset", "endgeneration"];

    /// <summary>Parses statements until an end keyword (returned in <paramref name="end"/>, tag left open) or the end of input.</summary>
    List<Stmt> ParseBody(out string? end)
    {
        var body = new List<Stmt>();
        while (true)
        {
            var t = Cur;
            switch (t.Kind)
            {
                case TokKind.Eof:
                    end = null;
                    return body;
                case TokKind.Text:
                    body.Add(new TextStmt(t.Line, t.Value)); i++;
                    break;
                case TokKind.VarBegin:
                    i++;
                    body.Add(new OutputStmt(t.Line, ParseExpression()));
                    if (Cur.Kind != TokKind.VarEnd) throw Error($"expected '}}}}' but found '{Describe(Cur)}'");
                    i++;
                    break;
                case TokKind.BlockBegin:
                    i++;
                    string kw = Cur.Kind == TokKind.Name ? Cur.Value : Describe(Cur);
                    if (EndKeywords.Contains(kw)) { end = kw; i++; return body; }
                    body.Add(ParseStatement());
                    break;
                default:
                    throw Error($"unexpected '{Describe(t)}'");
            }
        }
    }

    Stmt ParseStatement()
    {
        if (++statementDepth > MaxDepth) throw TooDeep("statements");
        try { return ParseStatementCore(); }
        finally { statementDepth--; }
    }

    Stmt ParseStatementCore()
    {
        var t = Next();
        switch (t.Value)
        {
            case "if": return ParseIf(t.Line);
            case "for": return ParseFor(t.Line);
            case "set": return ParseSet(t.Line);
            case "break": ExpectBlockEnd(); return new BreakStmt(t.Line);
            case "continue": ExpectBlockEnd(); return new ContinueStmt(t.Line);
            case "generation":
            {
                // transformers' {% generation %} marks assistant tokens for masks; it renders its body unchanged.
                ExpectBlockEnd();
                var body = ParseBody(out string? end);
                if (end != "endgeneration") throw Error("{% generation %} is never closed with {% endgeneration %}");
                ExpectBlockEnd();
                return new IfStmt(t.Line, [(new Const(t.Line, true), body)], null);
            }
            default:
                throw Error($"the statement '{t.Value}' is not supported by Bard's chat-template interpreter "
                    + "(supported: if/elif/else, for, set, break, continue, generation); the template cannot be rendered exactly");
        }
    }

    Stmt ParseIf(int line)
    {
        var branches = new List<(Expr, List<Stmt>)>();
        List<Stmt>? elseBody = null;
        var test = ParseExpression();
        ExpectBlockEnd();
        while (true)
        {
            var body = ParseBody(out string? end);
            if (end == "elif")
            {
                branches.Add((test, body));
                test = ParseExpression();
                ExpectBlockEnd();
                continue;
            }
            if (end == "else")
            {
                branches.Add((test, body));
                ExpectBlockEnd();
                elseBody = ParseBody(out end);
                if (end != "endif") throw Error($"{{% if %}} at line {line} is closed by '{end ?? "end of template"}' instead of endif");
                ExpectBlockEnd();
                return new IfStmt(line, branches, elseBody);
            }
            if (end == "endif")
            {
                branches.Add((test, body));
                ExpectBlockEnd();
                return new IfStmt(line, branches, null);
            }
            throw Error($"{{% if %}} at line {line} is never closed with endif");
        }
    }

    Stmt ParseFor(int line)
    {
        var targets = new List<string> { NameToken() };
        while (IsOp(",")) { i++; targets.Add(NameToken()); }
        ExpectName("in");
        var iter = ParseCondition(allowIf: false);
        Expr? filter = null;
        if (IsName("if")) { i++; filter = ParseCondition(allowIf: false); }
        if (IsName("recursive")) throw Error("recursive loops are not supported");
        ExpectBlockEnd();
        var body = ParseBody(out string? end);
        List<Stmt>? elseBody = null;
        if (end == "else")
        {
            ExpectBlockEnd();
            elseBody = ParseBody(out end);
        }
        if (end != "endfor") throw Error($"{{% for %}} at line {line} is never closed with endfor");
        ExpectBlockEnd();
        return new ForStmt(line, targets, iter, filter, body, elseBody);
    }

    Stmt ParseSet(int line)
    {
        string first = NameToken();
        if (IsOp("."))
        {
            i++;
            string attr = NameToken();
            ExpectOp("=");
            var v = ParseExpression();
            ExpectBlockEnd();
            return new SetStmt(line, [], first, attr, v);
        }
        var names = new List<string> { first };
        while (IsOp(",")) { i++; names.Add(NameToken()); }
        if (Cur.Kind == TokKind.BlockEnd && names.Count == 1)
        {
            i++;
            var body = ParseBody(out string? end);
            if (end != "endset") throw Error($"{{% set {first} %}} is never closed with endset");
            ExpectBlockEnd();
            return new SetBlockStmt(line, first, body);
        }
        ExpectOp("=");
        var value = ParseExpression();
        ExpectBlockEnd();
        return new SetStmt(line, names, null, null, value);
    }

    // ---- expressions, in Jinja's precedence order ----

    Expr ParseExpression()
    {
        var e = ParseCondition(allowIf: true);
        // A bare tuple (a, b) in a set or output.
        if (IsOp(","))
        {
            var items = new List<Expr> { e };
            while (IsOp(",")) { i++; items.Add(ParseCondition(allowIf: true)); }
            return new ListExpr(e.Line, items, IsTuple: true);
        }
        return e;
    }

    Expr ParseCondition(bool allowIf)
    {
        Enter();
        try { return ParseConditionCore(allowIf); }
        finally { depth--; }
    }

    Expr ParseConditionCore(bool allowIf)
    {
        var e = ParseOr();
        if (allowIf && IsName("if"))
        {
            int line = Next().Line;
            var test = ParseOr();
            Expr? other = null;
            if (IsName("else")) { i++; other = ParseCondition(allowIf: true); }
            return new CondExpr(line, test, e, other);
        }
        return e;
    }

    Expr ParseOr()
    {
        var e = ParseAnd();
        while (IsName("or")) { int l = Next().Line; e = new BinaryExpr(l, "or", e, ParseAnd()); }
        return e;
    }

    Expr ParseAnd()
    {
        var e = ParseNot();
        while (IsName("and")) { int l = Next().Line; e = new BinaryExpr(l, "and", e, ParseNot()); }
        return e;
    }

    Expr ParseNot()
    {
        if (IsName("not"))
        {
            int l = Next().Line;
            Enter();
            try { return new UnaryExpr(l, "not", ParseNot()); }
            finally { depth--; }
        }
        return ParseCompare();
    }

    Expr ParseCompare()
    {
        var e = ParseMath1();
        while (true)
        {
            if (Cur.Kind == TokKind.Op && Cur.Value is "==" or "!=" or "<" or ">" or "<=" or ">=")
            {
                var t = Next();
                e = new BinaryExpr(t.Line, t.Value, e, ParseMath1());
            }
            else if (IsName("in")) { int l = Next().Line; e = new BinaryExpr(l, "in", e, ParseMath1()); }
            else if (IsName("not") && Peek().Kind == TokKind.Name && Peek().Value == "in")
            {
                int l = Next().Line; i++;
                e = new BinaryExpr(l, "not in", e, ParseMath1());
            }
            else return e;
        }
    }

    Expr ParseMath1()
    {
        var e = ParseConcat();
        while (Cur.Kind == TokKind.Op && Cur.Value is "+" or "-") { var t = Next(); e = new BinaryExpr(t.Line, t.Value, e, ParseConcat()); }
        return e;
    }

    Expr ParseConcat()
    {
        var e = ParseMath2();
        while (IsOp("~")) { var t = Next(); e = new BinaryExpr(t.Line, "~", e, ParseMath2()); }
        return e;
    }

    Expr ParseMath2()
    {
        var e = ParsePow();
        while (Cur.Kind == TokKind.Op && Cur.Value is "*" or "/" or "//" or "%") { var t = Next(); e = new BinaryExpr(t.Line, t.Value, e, ParsePow()); }
        return e;
    }

    Expr ParsePow()
    {
        var e = ParseUnary(withFilter: true);
        while (IsOp("**")) { var t = Next(); e = new BinaryExpr(t.Line, "**", e, ParseUnary(withFilter: true)); }
        return e;
    }

    Expr ParseUnary(bool withFilter)
    {
        Expr e;
        if (IsOp("-") || IsOp("+"))
        {
            var t = Next();
            Enter();
            try { e = new UnaryExpr(t.Line, t.Value, ParseUnary(withFilter: false)); }
            finally { depth--; }
        }
        else e = ParsePrimary();
        e = ParsePostfix(e);
        return withFilter ? ParseFilterExpr(e) : e;
    }

    Expr ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokKind.Name:
                return t.Value switch
                {
                    "true" or "True" => new Const(t.Line, true),
                    "false" or "False" => new Const(t.Line, false),
                    "none" or "None" => new Const(t.Line, null),
                    _ => new NameRef(t.Line, t.Value),
                };
            case TokKind.String:
            {
                string s = t.Value;
                while (Cur.Kind == TokKind.String) s += Next().Value; // adjacent literals concatenate
                return new Const(t.Line, s);
            }
            case TokKind.Int:
                return new Const(t.Line, long.Parse(t.Value, CultureInfo.InvariantCulture));
            case TokKind.Float:
                return new Const(t.Line, double.Parse(t.Value, CultureInfo.InvariantCulture));
            case TokKind.Op when t.Value == "(":
            {
                if (IsOp(")")) { i++; return new ListExpr(t.Line, [], IsTuple: true); }
                var e = ParseExpression();
                ExpectOp(")");
                return e;
            }
            case TokKind.Op when t.Value == "[":
            {
                var items = new List<Expr>();
                while (!IsOp("]"))
                {
                    items.Add(ParseCondition(allowIf: true));
                    if (!IsOp(",")) break;
                    i++;
                }
                ExpectOp("]");
                return new ListExpr(t.Line, items);
            }
            case TokKind.Op when t.Value == "{":
            {
                var items = new List<(Expr, Expr)>();
                while (!IsOp("}"))
                {
                    var k = ParseCondition(allowIf: true);
                    ExpectOp(":");
                    items.Add((k, ParseCondition(allowIf: true)));
                    if (!IsOp(",")) break;
                    i++;
                }
                ExpectOp("}");
                return new DictExpr(t.Line, items);
            }
            default:
                i--;
                throw Error($"unexpected '{Describe(t)}' in an expression");
        }
    }

    Expr ParsePostfix(Expr e)
    {
        while (true)
        {
            if (IsOp("."))
            {
                var t = Next();
                if (Cur.Kind == TokKind.Int) e = new GetItem(t.Line, e, new Const(t.Line, long.Parse(Next().Value, CultureInfo.InvariantCulture)));
                else e = new GetAttr(t.Line, e, NameToken());
            }
            else if (IsOp("["))
            {
                var t = Next();
                Expr? start = null, stop = null, step = null;
                bool slice = false;
                if (!IsOp(":")) start = ParseExpression();
                if (IsOp(":"))
                {
                    slice = true; i++;
                    if (!IsOp(":") && !IsOp("]")) stop = ParseExpression();
                    if (IsOp(":")) { i++; if (!IsOp("]")) step = ParseExpression(); }
                }
                ExpectOp("]");
                e = slice ? new SliceExpr(t.Line, e, start, stop, step) : new GetItem(t.Line, e, start!);
            }
            else if (IsOp("(")) e = ParseCall(e);
            else return e;
        }
    }

    Expr ParseCall(Expr callee)
    {
        int line = Next().Line;
        var (args, kwargs) = ParseArgs();
        return new CallExpr(line, callee, args, kwargs);
    }

    (List<Expr>, List<(string, Expr)>) ParseArgs()
    {
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        while (!IsOp(")"))
        {
            if (Cur.Kind == TokKind.Name && Peek().Kind == TokKind.Op && Peek().Value == "=")
            {
                string n = Next().Value; i++;
                kwargs.Add((n, ParseCondition(allowIf: true)));
            }
            else args.Add(ParseCondition(allowIf: true));
            if (!IsOp(",")) break;
            i++;
        }
        ExpectOp(")");
        return (args, kwargs);
    }

    Expr ParseFilterExpr(Expr e)
    {
        while (true)
        {
            if (IsOp("|"))
            {
                int line = Next().Line;
                string f = NameToken();
                if (!JinjaBuiltins.Filters.Contains(f))
                    throw Error($"the filter '{f}' is not supported by Bard's chat-template interpreter (supported: {string.Join(", ", JinjaBuiltins.Filters.Order())})");
                List<Expr> args = [];
                List<(string, Expr)> kwargs = [];
                if (IsOp("(")) { i++; (args, kwargs) = ParseArgs(); }
                e = new FilterExpr(line, e, f, args, kwargs);
            }
            else if (IsName("is"))
            {
                int line = Next().Line;
                bool negated = false;
                if (IsName("not")) { i++; negated = true; }
                string test = NameToken();
                if (!JinjaBuiltins.Tests.Contains(test))
                    throw Error($"the test 'is {test}' is not supported by Bard's chat-template interpreter (supported: {string.Join(", ", JinjaBuiltins.Tests.Order())})");
                var args = new List<Expr>();
                if (IsOp("(")) { i++; (args, _) = ParseArgs(); }
                else if (Cur.Kind is TokKind.String or TokKind.Int or TokKind.Float
                    || (Cur.Kind == TokKind.Name && Cur.Value is not ("else" or "or" or "and" or "if" or "in" or "not" or "is")))
                    args.Add(ParsePostfix(ParsePrimary()));
                e = new TestExpr(line, e, test, args, negated);
            }
            else if (IsOp("(")) e = ParseCall(e);
            else return e;
        }
    }

    BardException Error(string what) => new($"{name}, line {Cur.Line}: {what}.");
}
