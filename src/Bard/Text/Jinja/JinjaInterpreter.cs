using System.Text;

namespace Bard.Text.Jinja;

/// <summary>
/// Runs parsed template statements with Jinja's scoping (a for-loop body is its own scope; if is not)
/// and Python's value semantics. Errors carry the template name and line.
/// </summary>
internal sealed class JinjaInterpreter
{
    enum Flow { Normal, Break, Continue }

    sealed class Scope(Scope? parent)
    {
        public readonly Dictionary<string, object?> Vars = new(StringComparer.Ordinal);
        public Scope? Parent => parent;

        public bool TryGet(string name, out object? value)
        {
            for (var s = this; s is not null; s = s.Parent)
                if (s.Vars.TryGetValue(name, out value)) return true;
            value = null;
            return false;
        }
    }

    readonly StringBuilder output = new();
    readonly string name;
    int line, depth;
    long steps;

    /// <summary>Statements, loop iterations and expression evaluations one render may take: a chat turn needs thousands.</summary>
    public const long MaxSteps = 5_000_000;
    /// <summary>Largest rendered text (and largest string a template may build), in characters.</summary>
    public const int MaxOutputChars = 32 << 20;
    /// <summary>Largest list range() may make.</summary>
    public const long MaxRange = 1_000_000;

    void Step()
    {
        if (++steps > MaxSteps)
            throw new JinjaError($"the template took more than {MaxSteps:N0} steps (a loop over a huge range?); a chat template needs far fewer");
    }

    void CheckOutput()
    {
        if (output.Length > MaxOutputChars)
            throw new JinjaError($"the rendered text passed {MaxOutputChars:N0} characters; a chat template's output is a prompt");
    }

    JinjaInterpreter(string name) => this.name = name;

    public static string Render(List<Stmt> body, IReadOnlyDictionary<string, object?> variables, string name)
    {
        var interpreter = new JinjaInterpreter(name);
        var globals = new Scope(null);
        globals.Vars["raise_exception"] = (JinjaFunction)((a, _) =>
            throw new BardException($"{name}: the template refused the conversation: {(a.Count > 0 ? PyValue.Str(a[0]) : "(no message)")}"));
        globals.Vars["namespace"] = (JinjaFunction)((a, kw) =>
        {
            var ns = new JinjaNamespace();
            foreach (var (k, v) in kw) ns.Attributes[k] = v;
            return ns;
        });
        globals.Vars["range"] = (JinjaFunction)((a, _) =>
        {
            long start = 0, stop, step = 1;
            if (a.Count == 1) stop = PyValue.ToLong(a[0]);
            else { start = PyValue.ToLong(a[0]); stop = PyValue.ToLong(a[1]); if (a.Count > 2) step = PyValue.ToLong(a[2]); }
            if (step == 0) throw new JinjaError("range() step must not be zero");
            double size = Math.Max(0, Math.Ceiling(((double)stop - start) / step));
            if (size > MaxRange) throw new JinjaError($"range() of {size:N0} items; at most {MaxRange:N0}");
            var list = new List<object?>();
            for (long i = start; step > 0 ? i < stop : i > stop; i += step) list.Add(i);
            return list;
        });
        globals.Vars["dict"] = (JinjaFunction)((_, kw) => new Dictionary<string, object?>(kw, StringComparer.Ordinal));
        var top = new Scope(globals);
        foreach (var (k, v) in variables) top.Vars[k] = v;
        try
        {
            interpreter.Exec(body, top);
        }
        catch (JinjaError e)
        {
            throw new BardException($"{name}, line {interpreter.line}: {e.Message}; the template cannot be rendered.");
        }
        catch (InvalidCastException)
        {
            throw new BardException($"{name}, line {interpreter.line}: a value has the wrong type for this operation; the template cannot be rendered.");
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new BardException($"{name}, line {interpreter.line}: a filter, test or method got too few arguments; the template cannot be rendered.");
        }
        return interpreter.output.ToString();
    }

    Flow Exec(List<Stmt> body, Scope scope)
    {
        foreach (var stmt in body)
        {
            line = stmt.Line;
            Step();
            switch (stmt)
            {
                case TextStmt t: output.Append(t.Text); CheckOutput(); break;
                case OutputStmt o: output.Append(PyValue.Str(Eval(o.Value, scope))); CheckOutput(); break;
                case IfStmt s:
                {
                    List<Stmt>? chosen = s.Else;
                    foreach (var (test, branch) in s.Branches)
                        if (PyValue.Truthy(Eval(test, scope))) { chosen = branch; break; }
                    if (chosen is not null)
                    {
                        var flow = Exec(chosen, scope);
                        if (flow != Flow.Normal) return flow;
                    }
                    break;
                }
                case ForStmt f: ExecFor(f, scope); break;
                case SetStmt s: ExecSet(s, scope); break;
                case SetBlockStmt sb:
                {
                    int mark = output.Length;
                    Exec(sb.Body, scope);
                    scope.Vars[sb.Name] = output.ToString(mark, output.Length - mark);
                    output.Length = mark;
                    break;
                }
                case BreakStmt: return Flow.Break;
                case ContinueStmt: return Flow.Continue;
            }
        }
        return Flow.Normal;
    }

    void ExecSet(SetStmt s, Scope scope)
    {
        var value = Eval(s.Value, scope);
        if (s.Namespace is not null)
        {
            if (!scope.TryGet(s.Namespace, out var ns) || ns is not JinjaNamespace jns)
                throw new JinjaError($"cannot assign attribute '{s.Attr}' on '{s.Namespace}': it is not a namespace()");
            jns.Attributes[s.Attr!] = value;
            return;
        }
        Bind(scope, s.Names, value);
    }

    static void Bind(Scope scope, List<string> names, object? value)
    {
        if (names.Count == 1) { scope.Vars[names[0]] = value; return; }
        var items = JinjaBuiltins.Iterate(value);
        if (items.Count != names.Count) throw new JinjaError($"cannot unpack {items.Count} values into {names.Count} names");
        for (int i = 0; i < names.Count; i++) scope.Vars[names[i]] = items[i];
    }

    void ExecFor(ForStmt f, Scope scope)
    {
        var items = JinjaBuiltins.Iterate(Eval(f.Iter, scope));
        if (f.Filter is not null)
        {
            items = items.Where(item =>
            {
                var s = new Scope(scope);
                Bind(s, f.Targets, item);
                return PyValue.Truthy(Eval(f.Filter, s));
            }).ToList();
        }
        if (items.Count == 0)
        {
            if (f.Else is not null) Exec(f.Else, scope);
            return;
        }
        for (int i = 0; i < items.Count; i++)
        {
            Step(); // an iteration counts even when its body is empty
            var s = new Scope(scope);
            Bind(s, f.Targets, items[i]);
            int index = i, count = items.Count;
            s.Vars["loop"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["index"] = (long)(i + 1), ["index0"] = (long)i,
                ["revindex"] = (long)(count - i), ["revindex0"] = (long)(count - i - 1),
                ["first"] = i == 0, ["last"] = i == count - 1, ["length"] = (long)count,
                ["previtem"] = i > 0 ? items[i - 1] : new Undefined("loop.previtem"),
                ["nextitem"] = i + 1 < count ? items[i + 1] : new Undefined("loop.nextitem"),
                ["cycle"] = (JinjaFunction)((a, _) => a.Count == 0 ? throw new JinjaError("loop.cycle() needs arguments") : a[index % a.Count]),
            };
            if (Exec(f.Body, s) == Flow.Break) break;
        }
    }

    object? Eval(Expr e, Scope scope)
    {
        // The parser bounds nesting; a flat chain (a ~ b ~ c …, x|f|g|…) still builds a tree as deep as it is long.
        if (++depth > JinjaParser.MaxDepth)
            throw new JinjaError($"an expression nests (or chains operators and filters) more than {JinjaParser.MaxDepth} levels deep; a chat template needs far fewer");
        try { return EvalCore(e, scope); }
        finally { depth--; }
    }

    object? EvalCore(Expr e, Scope scope)
    {
        Step();
        switch (e)
        {
            case Const c: return c.Value;
            case NameRef n: return scope.TryGet(n.Name, out var v) ? v : new Undefined(n.Name);
            case ListExpr l when l.IsTuple: return new JinjaTuple(l.Items.Select(x => Eval(x, scope)));
            case ListExpr l: return l.Items.Select(x => Eval(x, scope)).ToList();
            case DictExpr d:
            {
                var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, val) in d.Items) dict[PyValue.Str(Eval(k, scope))] = Eval(val, scope);
                return dict;
            }
            case GetAttr g: return JinjaBuiltins.Attribute(Eval(g.Target, scope), g.Attr);
            case GetItem gi: return Index(Eval(gi.Target, scope), Eval(gi.Index, scope));
            case SliceExpr s: return Slice(Eval(s.Target, scope), Opt(s.Start, scope), Opt(s.Stop, scope), Opt(s.Step, scope));
            case CallExpr c: return Call(c, scope);
            case FilterExpr f:
            {
                var value = Eval(f.Value, scope);
                return JinjaBuiltins.Filter(f.Name, value, f.Args.Select(x => Eval(x, scope)).ToList(), Kwargs(f.Kwargs, scope));
            }
            case TestExpr t:
            {
                bool r = JinjaBuiltins.Test(t.Name, Eval(t.Value, scope), t.Args.Select(x => Eval(x, scope)).ToList());
                return t.Negated ? !r : r;
            }
            case UnaryExpr u:
            {
                var x = Eval(u.Operand, scope);
                if (u.Op == "not") return !PyValue.Truthy(x);
                Defined(x);
                if (u.Op == "-") return x is double d ? -d : (object)(-PyValue.ToLong(x));
                return x is double ? x : (object)PyValue.ToLong(x);
            }
            case CondExpr ce:
                return PyValue.Truthy(Eval(ce.Test, scope)) ? Eval(ce.Then, scope)
                    : ce.Else is null ? new Undefined("the else of an if-expression") : Eval(ce.Else, scope);
            case BinaryExpr b: return Binary(b, scope);
        }
        throw new JinjaError($"cannot evaluate {e.GetType().Name}");
    }

    object? Opt(Expr? e, Scope scope) => e is null ? null : Eval(e, scope);

    Dictionary<string, object?> Kwargs(List<(string Name, Expr Value)> kwargs, Scope scope) =>
        kwargs.ToDictionary(k => k.Name, k => Eval(k.Value, scope), StringComparer.Ordinal);

    object? Call(CallExpr c, Scope scope)
    {
        var args = c.Args.Select(x => Eval(x, scope)).ToList();
        var kwargs = Kwargs(c.Kwargs, scope);
        if (c.Callee is GetAttr g)
        {
            var target = Eval(g.Target, scope);
            if (target is Undefined u) throw new JinjaError($"'{u.Name}' is undefined (calling .{g.Attr}())");
            if (JinjaBuiltins.Attribute(target, g.Attr) is JinjaFunction member) return member(args, kwargs);
            return JinjaBuiltins.Method(target, g.Attr, args, kwargs);
        }
        var f = Eval(c.Callee, scope);
        if (f is JinjaFunction fn) return fn(args, kwargs);
        string what = c.Callee is NameRef n ? n.Name : "this value";
        throw new JinjaError(f is Undefined
            ? $"the function '{what}' is not defined (Bard provides raise_exception, namespace, range and dict)"
            : $"'{what}' is not callable");
    }

    static void Defined(object? x)
    {
        if (x is Undefined u) throw new JinjaError($"'{u.Name}' is undefined");
    }

    object? Binary(BinaryExpr b, Scope scope)
    {
        if (b.Op == "and") { var l = Eval(b.Left, scope); return PyValue.Truthy(l) ? Eval(b.Right, scope) : l; }
        if (b.Op == "or") { var l = Eval(b.Left, scope); return PyValue.Truthy(l) ? l : Eval(b.Right, scope); }
        var x = Eval(b.Left, scope);
        var y = Eval(b.Right, scope);
        switch (b.Op)
        {
            case "==": return PyValue.Equals(x, y);
            case "!=": return !PyValue.Equals(x, y);
            case "<": return JinjaBuiltins.Compare(x, y) < 0;
            case ">": return JinjaBuiltins.Compare(x, y) > 0;
            case "<=": return JinjaBuiltins.Compare(x, y) <= 0;
            case ">=": return JinjaBuiltins.Compare(x, y) >= 0;
            case "in": return JinjaBuiltins.Contains(y, x);
            case "not in": return !JinjaBuiltins.Contains(y, x);
            case "~": return PyValue.Str(x) + PyValue.Str(y);
        }
        Defined(x); Defined(y);
        switch (b.Op)
        {
            case "+":
                if (x is string sx && y is string sy)
                {
                    if ((long)sx.Length + sy.Length > MaxOutputChars) throw new JinjaError($"a string of more than {MaxOutputChars:N0} characters");
                    return sx + sy;
                }
                if (x is List<object?> lx && y is List<object?> ly)
                {
                    if ((long)lx.Count + ly.Count > MaxRange) throw new JinjaError($"a list of more than {MaxRange:N0} items");
                    return lx.Concat(ly).ToList();
                }
                return Arith(x, y, "+", (p, q) => p + q, (p, q) => p + q);
            case "-": return Arith(x, y, "-", (p, q) => p - q, (p, q) => p - q);
            case "*":
                if (x is string rs && y is long or bool)
                {
                    long times = Math.Max(0, PyValue.ToLong(y));
                    if (rs.Length * (double)times > MaxOutputChars) throw new JinjaError($"a string of {rs.Length * (double)times:N0} characters ('...' * {times}); at most {MaxOutputChars:N0}");
                    return string.Concat(Enumerable.Repeat(rs, (int)times));
                }
                if (x is List<object?> rl && y is long or bool)
                {
                    long times = Math.Max(0, PyValue.ToLong(y));
                    if (rl.Count * (double)times > MaxRange) throw new JinjaError($"a list of {rl.Count * (double)times:N0} items; at most {MaxRange:N0}");
                    return Enumerable.Repeat(rl, (int)times).SelectMany(z => z).ToList();
                }
                return Arith(x, y, "*", (p, q) => p * q, (p, q) => p * q);
            case "/": Numbers(x, y, "/"); return PyValue.ToDouble(x) / PyValue.ToDouble(y);
            case "//":
                Numbers(x, y, "//");
                if (x is double || y is double) return Math.Floor(PyValue.ToDouble(x) / PyValue.ToDouble(y));
                return (long)Math.Floor((double)PyValue.ToLong(x) / PyValue.ToLong(y));
            case "%":
                if (x is string) throw new JinjaError("'%' string formatting is not supported");
                Numbers(x, y, "%");
                if (x is double || y is double) { double p = PyValue.ToDouble(x), q = PyValue.ToDouble(y); return p - q * Math.Floor(p / q); }
                { long p = PyValue.ToLong(x), q = PyValue.ToLong(y); long r = p % q; return r != 0 && (r < 0) != (q < 0) ? r + q : r; }
            case "**":
                Numbers(x, y, "**");
                if (x is double || y is double || PyValue.ToLong(y) < 0) return Math.Pow(PyValue.ToDouble(x), PyValue.ToDouble(y));
                return (long)Math.Pow(PyValue.ToLong(x), PyValue.ToLong(y));
        }
        throw new JinjaError($"unknown operator {b.Op}");
    }

    static void Numbers(object? x, object? y, string op)
    {
        if (!PyValue.IsNumber(x) || !PyValue.IsNumber(y))
            throw new JinjaError($"unsupported operand type(s) for {op}: '{PyValue.TypeName(x)}' and '{PyValue.TypeName(y)}'");
    }

    static object Arith(object? x, object? y, string op, Func<long, long, long> onLong, Func<double, double, double> onDouble)
    {
        Numbers(x, y, op);
        if (x is double || y is double) return onDouble(PyValue.ToDouble(x), PyValue.ToDouble(y));
        return onLong(PyValue.ToLong(x), PyValue.ToLong(y));
    }

    static object? Index(object? target, object? index)
    {
        switch (target)
        {
            case Undefined u: throw new JinjaError($"'{u.Name}' is undefined (indexing it)");
            case Dictionary<string, object?> d:
                return index is string k && d.TryGetValue(k, out var v) ? v : new Undefined($"[{PyValue.Repr(index)}]");
            case JinjaNamespace ns:
                return index is string a && ns.Attributes.TryGetValue(a, out var nv) ? nv : new Undefined($"[{PyValue.Repr(index)}]");
            case List<object?> l when PyValue.IsNumber(index) && index is not double:
            {
                long i = PyValue.ToLong(index);
                if (i < 0) i += l.Count;
                return i >= 0 && i < l.Count ? l[(int)i] : new Undefined($"[{index}]");
            }
            case string s when index is long:
            {
                var runes = s.EnumerateRunes().ToList();
                long i = (long)index;
                if (i < 0) i += runes.Count;
                return i >= 0 && i < runes.Count ? runes[(int)i].ToString() : new Undefined($"[{index}]");
            }
        }
        return new Undefined($"[{PyValue.Repr(index)}]");
    }

    static object? Slice(object? target, object? start, object? stop, object? step)
    {
        List<object?> items = target switch
        {
            List<object?> l => l,
            string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
            Undefined u => throw new JinjaError($"'{u.Name}' is undefined (slicing it)"),
            _ => throw new JinjaError($"'{PyValue.TypeName(target)}' object is not subscriptable"),
        };
        long n = items.Count, st = step is null ? 1 : PyValue.ToLong(step);
        if (st == 0) throw new JinjaError("slice step cannot be zero");
        // Python's slice.indices().
        long Clamp(object? v, long dflt, long lo, long hi)
        {
            if (v is null) return dflt;
            long x = PyValue.ToLong(v);
            if (x < 0) x += n;
            return Math.Min(Math.Max(x, lo), hi);
        }
        long a = st > 0 ? Clamp(start, 0, 0, n) : Clamp(start, n - 1, -1, n - 1);
        long b = st > 0 ? Clamp(stop, n, 0, n) : Clamp(stop, -1, -1, n - 1);
        var result = new List<object?>();
        for (long i = a; st > 0 ? i < b : i > b; i += st) result.Add(items[(int)i]);
        return target is string ? string.Concat(result.Select(r => (string)r!)) : result;
    }
}
