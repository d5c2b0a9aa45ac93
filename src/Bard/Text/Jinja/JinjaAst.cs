namespace Bard.Text.Jinja;

// The syntax tree of the Jinja subset chat templates use. Line numbers are kept for error messages.

internal abstract record Expr(int Line);
internal sealed record Const(int Line, object? Value) : Expr(Line);
internal sealed record NameRef(int Line, string Name) : Expr(Line);
internal sealed record ListExpr(int Line, List<Expr> Items, bool IsTuple = false) : Expr(Line);
internal sealed record DictExpr(int Line, List<(Expr Key, Expr Value)> Items) : Expr(Line);
internal sealed record GetAttr(int Line, Expr Target, string Attr) : Expr(Line);
internal sealed record GetItem(int Line, Expr Target, Expr Index) : Expr(Line);
internal sealed record SliceExpr(int Line, Expr Target, Expr? Start, Expr? Stop, Expr? Step) : Expr(Line);
internal sealed record CallExpr(int Line, Expr Callee, List<Expr> Args, List<(string Name, Expr Value)> Kwargs) : Expr(Line);
internal sealed record FilterExpr(int Line, Expr Value, string Name, List<Expr> Args, List<(string Name, Expr Value)> Kwargs) : Expr(Line);
internal sealed record TestExpr(int Line, Expr Value, string Name, List<Expr> Args, bool Negated) : Expr(Line);
internal sealed record UnaryExpr(int Line, string Op, Expr Operand) : Expr(Line);
internal sealed record BinaryExpr(int Line, string Op, Expr Left, Expr Right) : Expr(Line);
internal sealed record CondExpr(int Line, Expr Test, Expr Then, Expr? Else) : Expr(Line);

internal abstract record Stmt(int Line);
internal sealed record TextStmt(int Line, string Text) : Stmt(Line);
internal sealed record OutputStmt(int Line, Expr Value) : Stmt(Line);
internal sealed record IfStmt(int Line, List<(Expr Test, List<Stmt> Body)> Branches, List<Stmt>? Else) : Stmt(Line);
internal sealed record ForStmt(int Line, List<string> Targets, Expr Iter, Expr? Filter, List<Stmt> Body, List<Stmt>? Else) : Stmt(Line);
/// <summary><c>set x = e</c>, <c>set a, b = e</c> (Names) or <c>set ns.attr = e</c> (Namespace + Attr).</summary>
internal sealed record SetStmt(int Line, List<string> Names, string? Namespace, string? Attr, Expr Value) : Stmt(Line);
internal sealed record SetBlockStmt(int Line, string Name, List<Stmt> Body) : Stmt(Line);
internal sealed record BreakStmt(int Line) : Stmt(Line);
internal sealed record ContinueStmt(int Line) : Stmt(Line);
