using System.Globalization;

namespace AiTrading.Core.Strategies.Rules;

/// <summary>A rule text that does not parse or does not type-check; <see cref="Column"/> is 1-based.</summary>
public sealed class RuleSyntaxException(int column, string detail) : Exception($"at column {column}: {detail}")
{
    public int Column { get; } = column;
    public string Detail { get; } = detail;
}

/// <summary>
/// A rule that failed while evaluating finite inputs: a division by zero, the logarithm or square root of a number
/// out of its domain, or an overflow. The strategy that owns the rule is paused with this message.
/// </summary>
public sealed class RuleEvaluationException(int column, string detail) : Exception($"at column {column}: {detail}")
{
    public int Column { get; } = column;
}

/// <summary>
/// A parsed, type-checked rule ready to evaluate. A rule is an expression in a small language with no loops, no
/// assignments, no I/O and no access to anything but the <see cref="RuleScope"/> variables, so its time and memory
/// are bounded by its size (at most <see cref="MaxLength"/> characters, <see cref="MaxNodes"/> nodes,
/// <see cref="MaxDepth"/> levels of nesting):
/// <code>
/// rule    := or
/// or      := and (("or" | "||") and)*          and := not (("and" | "&amp;&amp;") not)*
/// not     := ("not" | "!") not | compare       compare := sum (("&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "==" | "!=") sum)?
/// sum     := product (("+" | "-") product)*    product := unary (("*" | "/" | "%") unary)*
/// unary   := "-" unary | atom                  atom := number | "true" | "false" | name | name "(" rule ("," rule)* ")" | "(" rule ")"
/// </code>
/// Functions: <c>abs, sqrt, log, exp</c> (one number), <c>min, max</c> (two or more), <c>clamp(x, lo, hi)</c>,
/// <c>prev(x)</c> (x at the previous evaluation), <c>cross_above(a, b)</c> / <c>cross_below(a, b)</c> (a was at or
/// below / above b at the previous evaluation and is now strictly above / below it). Comparisons and crosses treat
/// numbers within <see cref="RuleComparison.RelativeTolerance"/> of each other as equal (see <see cref="RuleComparison"/>).
/// Keywords are case-insensitive; variable names are not.
/// <para>
/// Evaluation: while any variable the rule reads is NaN or infinite (a feature warming up), or a <c>prev</c> has no
/// previous value, the rule is not ready and evaluates to false. Otherwise every operand is evaluated (no
/// short-circuit, so the memory of <c>prev</c> and the crosses advances on every evaluation), and an operation that
/// turns finite operands into a non-finite result throws a <see cref="RuleEvaluationException"/>. Evaluate once per
/// bar: the crosses compare with the previous evaluation. Evaluation allocates nothing.
/// </para>
/// </summary>
public sealed class CompiledRule
{
    public const int MaxLength = 2000;
    public const int MaxNodes = 500;
    public const int MaxDepth = 64;

    private readonly Node _root;
    private readonly int[] _reads;
    private readonly StatefulNode[] _stateful;

    private CompiledRule(string source, Node root, int[] reads, StatefulNode[] stateful)
    {
        Source = source;
        _root = root;
        _reads = reads;
        _stateful = stateful;
    }

    public string Source { get; }

    /// <summary>The scope slots the rule reads, each once.</summary>
    public IReadOnlyList<int> Reads => _reads;

    /// <summary>Parses and type-checks a boolean rule over <paramref name="scope"/>.</summary>
    /// <exception cref="RuleSyntaxException">The text does not parse, names an unknown variable or function, or mixes types.</exception>
    public static CompiledRule Compile(string source, RuleScope scope)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scope);
        if (source.Length > MaxLength) throw new RuleSyntaxException(MaxLength + 1, $"the rule is longer than {MaxLength} characters");
        var parser = new Parser(source, scope);
        var root = parser.ParseRule();
        if (root.Type != RuleType.Boolean)
            throw new RuleSyntaxException(1, "the rule is a number; it must be a condition (compare it, e.g. 'RSI_14 < 30')");
        return new CompiledRule(source, root, parser.Reads.Order().ToArray(), parser.Stateful.ToArray());
    }

    /// <summary>True when the rule holds for these inputs (one value per scope slot, truth values as 1/0).</summary>
    /// <exception cref="RuleEvaluationException">An operation failed on finite inputs.</exception>
    public bool Evaluate(ReadOnlySpan<double> inputs)
    {
        foreach (var slot in _reads)
            if (!double.IsFinite(inputs[slot])) return false;
        var frame = new Frame(inputs);
        var value = _root.Eval(ref frame);
        foreach (var node in _stateful) node.Commit();
        return !frame.NotReady && value != 0;
    }

    /// <summary>Forgets the previous evaluation (for <c>prev</c> and the crosses).</summary>
    public void Reset()
    {
        foreach (var node in _stateful) node.Reset();
    }

    private ref struct Frame(ReadOnlySpan<double> inputs)
    {
        public readonly ReadOnlySpan<double> Inputs = inputs;
        public bool NotReady;
    }

    private abstract class Node(int column, RuleType type)
    {
        public int Column { get; } = column;
        public RuleType Type { get; } = type;
        public abstract double Eval(ref Frame frame);

        protected double Checked(double value, string what)
        {
            if (!double.IsFinite(value)) throw new RuleEvaluationException(Column, what);
            return value;
        }
    }

    private sealed class Constant(int column, RuleType type, double value) : Node(column, type)
    {
        public override double Eval(ref Frame frame) => value;
    }

    private sealed class Variable(int column, RuleType type, int slot) : Node(column, type)
    {
        public override double Eval(ref Frame frame) => frame.Inputs[slot];
    }

    private sealed class Negate(int column, Node operand) : Node(column, RuleType.Number)
    {
        public override double Eval(ref Frame frame) => -operand.Eval(ref frame);
    }

    private sealed class Not(int column, Node operand) : Node(column, RuleType.Boolean)
    {
        public override double Eval(ref Frame frame) => operand.Eval(ref frame) != 0 ? 0 : 1;
    }

    private sealed class Binary(int column, RuleType type, string op, Node left, Node right) : Node(column, type)
    {
        public override double Eval(ref Frame frame)
        {
            var a = left.Eval(ref frame);
            var b = right.Eval(ref frame);
            switch (op)
            {
                case "+": return Checked(a + b, "overflow in '+'");
                case "-": return Checked(a - b, "overflow in '-'");
                case "*": return Checked(a * b, "overflow in '*'");
                case "/": return b == 0 ? throw new RuleEvaluationException(Column, "division by zero") : Checked(a / b, "overflow in '/'");
                case "%": return b == 0 ? throw new RuleEvaluationException(Column, "remainder of a division by zero") : a % b;
                case "<": return RuleComparison.Compare(a, b) < 0 ? 1 : 0;
                case "<=": return RuleComparison.Compare(a, b) <= 0 ? 1 : 0;
                case ">": return RuleComparison.Compare(a, b) > 0 ? 1 : 0;
                case ">=": return RuleComparison.Compare(a, b) >= 0 ? 1 : 0;
                case "==": return RuleComparison.Compare(a, b) == 0 ? 1 : 0;
                case "!=": return RuleComparison.Compare(a, b) != 0 ? 1 : 0;
                case "and": return a != 0 & b != 0 ? 1 : 0;
                default: return a != 0 | b != 0 ? 1 : 0; // or
            }
        }
    }

    private sealed class Function(int column, string name, Node[] arguments) : Node(column, name is "cross_above" or "cross_below" ? RuleType.Boolean : RuleType.Number)
    {
        public override double Eval(ref Frame frame)
        {
            var x = arguments[0].Eval(ref frame);
            switch (name)
            {
                case "abs": return Math.Abs(x);
                case "sqrt": return x < 0 ? throw new RuleEvaluationException(Column, $"sqrt of a negative number ({Format(x)})") : Math.Sqrt(x);
                case "log": return x <= 0 ? throw new RuleEvaluationException(Column, $"log of a number that is not positive ({Format(x)})") : Math.Log(x);
                case "exp": return Checked(Math.Exp(x), $"overflow in exp({Format(x)})");
                case "clamp":
                    var (low, high) = (arguments[1].Eval(ref frame), arguments[2].Eval(ref frame));
                    return low > high ? throw new RuleEvaluationException(Column, $"clamp bounds are reversed ({Format(low)} > {Format(high)})") : Math.Clamp(x, low, high);
                default: // min, max
                    for (var i = 1; i < arguments.Length; i++)
                    {
                        var y = arguments[i].Eval(ref frame);
                        x = name == "min" ? Math.Min(x, y) : Math.Max(x, y);
                    }
                    return x;
            }
        }

        private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A node that remembers its operands' values from the previous evaluation.</summary>
    private abstract class StatefulNode(int column, RuleType type) : Node(column, type)
    {
        public abstract void Commit();
        public abstract void Reset();
    }

    private sealed class Previous(int column, Node operand) : StatefulNode(column, RuleType.Number)
    {
        private double _previous = double.NaN, _current = double.NaN;

        public override double Eval(ref Frame frame)
        {
            _current = operand.Eval(ref frame);
            if (double.IsNaN(_previous)) frame.NotReady = true;
            return double.IsNaN(_previous) ? 0 : _previous;
        }

        public override void Commit() => _previous = _current;
        public override void Reset() => _previous = _current = double.NaN;
    }

    private sealed class Cross(int column, bool above, Node a, Node b) : StatefulNode(column, RuleType.Boolean)
    {
        private double _previousA = double.NaN, _previousB = double.NaN, _a = double.NaN, _b = double.NaN;

        public override double Eval(ref Frame frame)
        {
            (_a, _b) = (a.Eval(ref frame), b.Eval(ref frame));
            if (double.IsNaN(_previousA)) return 0; // nothing to cross from yet
            var (before, now) = (RuleComparison.Compare(_previousA, _previousB), RuleComparison.Compare(_a, _b));
            return above ? (before <= 0 && now > 0 ? 1 : 0) : (before >= 0 && now < 0 ? 1 : 0);
        }

        public override void Commit() => (_previousA, _previousB) = (_a, _b);
        public override void Reset() => _previousA = _previousB = _a = _b = double.NaN;
    }

    /// <summary>Recursive descent over the grammar above, type-checking as it builds the tree.</summary>
    private sealed class Parser(string text, RuleScope scope)
    {
        private static readonly Dictionary<string, (int Min, int Max)> Functions = new(StringComparer.OrdinalIgnoreCase)
        {
            ["abs"] = (1, 1), ["sqrt"] = (1, 1), ["log"] = (1, 1), ["exp"] = (1, 1),
            ["min"] = (2, 16), ["max"] = (2, 16), ["clamp"] = (3, 3),
            ["prev"] = (1, 1), ["cross_above"] = (2, 2), ["cross_below"] = (2, 2),
        };

        private int _position;
        private int _nodes;
        private int _depth;

        public HashSet<int> Reads { get; } = [];
        public List<StatefulNode> Stateful { get; } = [];

        public Node ParseRule()
        {
            Skip();
            if (_position == text.Length) throw Error(_position, "the rule is empty");
            var rule = ParseOr();
            Skip();
            if (_position < text.Length) throw Error(_position, $"unexpected '{Describe()}' after the end of the expression");
            return rule;
        }

        private Node ParseOr()
        {
            var left = ParseAnd();
            while (TryKeyword("or") || TrySymbol("||"))
            {
                var column = _position;
                left = Logical("or", left, ParseAnd(), column);
            }
            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseNot();
            while (TryKeyword("and") || TrySymbol("&&"))
            {
                var column = _position;
                left = Logical("and", left, ParseNot(), column);
            }
            return left;
        }

        private Node ParseNot()
        {
            Skip();
            var start = _position;
            if (TryKeyword("not") || (Peek('!') && !PeekAt(1, '=') && TrySymbol("!")))
            {
                var operand = Nested(ParseNot);
                Require(operand, RuleType.Boolean, "'not'");
                return Count(new Not(start + 1, operand));
            }
            return ParseCompare();
        }

        private Node ParseCompare()
        {
            var left = ParseSum();
            Skip();
            var start = _position;
            foreach (var op in (string[])["<=", ">=", "==", "!=", "<", ">"])
            {
                if (!TrySymbol(op)) continue;
                var right = ParseSum();
                if (op is "==" or "!=")
                {
                    if (left.Type != right.Type) throw Error(start, $"'{op}' compares a {Name(left.Type)} with a {Name(right.Type)}");
                }
                else
                {
                    Require(left, RuleType.Number, $"'{op}'");
                    Require(right, RuleType.Number, $"'{op}'");
                }
                Skip();
                if (_position < text.Length && ("<>=".Contains(text[_position]) || (Peek('!') && PeekAt(1, '='))))
                    throw Error(_position, "comparisons do not chain; join them with 'and'");
                return Count(new Binary(start + 1, RuleType.Boolean, op, left, right));
            }
            return left;
        }

        private Node ParseSum()
        {
            var left = ParseProduct();
            while (true)
            {
                Skip();
                var start = _position;
                var op = TrySymbol("+") ? "+" : TrySymbol("-") ? "-" : null;
                if (op is null) return left;
                left = Arithmetic(op, left, ParseProduct(), start);
            }
        }

        private Node ParseProduct()
        {
            var left = ParseUnary();
            while (true)
            {
                Skip();
                var start = _position;
                var op = TrySymbol("*") ? "*" : TrySymbol("/") ? "/" : TrySymbol("%") ? "%" : null;
                if (op is null) return left;
                left = Arithmetic(op, left, ParseUnary(), start);
            }
        }

        private Node ParseUnary()
        {
            Skip();
            var start = _position;
            if (!TrySymbol("-")) return ParseAtom();
            var operand = Nested(ParseUnary);
            Require(operand, RuleType.Number, "'-'");
            return Count(new Negate(start + 1, operand));
        }

        private Node ParseAtom()
        {
            Skip();
            var start = _position;
            if (_position == text.Length) throw Error(_position, "the expression ends where a value is expected");
            var c = text[_position];
            if (c == '(')
            {
                _position++;
                var inner = Nested(ParseOr);
                Expect(')', "to close the '(' at column " + (start + 1));
                return inner;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && PeekAt(1, char.IsAsciiDigit))) return ParseNumber(start);
            if (char.IsAsciiLetter(c) || c == '_') return ParseName(start);
            throw Error(start, $"unexpected '{Describe()}' where a value is expected");
        }

        private Node ParseNumber(int start)
        {
            while (_position < text.Length && (char.IsAsciiDigit(text[_position]) || text[_position] == '.')) _position++;
            if (_position < text.Length && text[_position] is 'e' or 'E')
            {
                var save = _position++;
                if (_position < text.Length && text[_position] is '+' or '-') _position++;
                if (_position < text.Length && char.IsAsciiDigit(text[_position]))
                    while (_position < text.Length && char.IsAsciiDigit(text[_position])) _position++;
                else _position = save;
            }
            var literal = text[start.._position];
            if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw Error(start, $"'{literal}' is not a number");
            return Count(new Constant(start + 1, RuleType.Number, value));
        }

        private Node ParseName(int start)
        {
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] is '_' or '.' or '@')) _position++;
            var name = text[start.._position];
            Skip();
            if (Peek('('))
            {
                if (!Functions.TryGetValue(name, out var arity))
                    throw Error(start, $"unknown function '{name}' (functions: {string.Join(", ", Functions.Keys)})");
                _position++;
                var arguments = new List<Node>();
                Skip();
                if (!Peek(')'))
                {
                    do arguments.Add(Nested(ParseOr));
                    while (TrySymbol(","));
                }
                Expect(')', $"to close the arguments of {name}");
                if (arguments.Count < arity.Min || arguments.Count > arity.Max)
                    throw Error(start, arity.Min == arity.Max
                        ? $"{name} takes {arity.Min} argument{(arity.Min == 1 ? "" : "s")} (got {arguments.Count})"
                        : $"{name} takes {arity.Min} to {arity.Max} arguments (got {arguments.Count})");
                foreach (var argument in arguments) Require(argument, RuleType.Number, name);
                var function = name.ToLowerInvariant();
                Node node = function switch
                {
                    "prev" => new Previous(start + 1, arguments[0]),
                    "cross_above" or "cross_below" => new Cross(start + 1, function == "cross_above", arguments[0], arguments[1]),
                    _ => new Function(start + 1, function, arguments.ToArray()),
                };
                if (node is StatefulNode stateful) Stateful.Add(stateful);
                return Count(node);
            }
            if (string.Equals(name, "true", StringComparison.OrdinalIgnoreCase)) return Count(new Constant(start + 1, RuleType.Boolean, 1));
            if (string.Equals(name, "false", StringComparison.OrdinalIgnoreCase)) return Count(new Constant(start + 1, RuleType.Boolean, 0));
            if (name.ToLowerInvariant() is "and" or "or" or "not")
                throw Error(start, $"'{name}' needs a value before it");
            if (!scope.TryGet(name, out var slot, out var type))
                throw Error(start, $"unknown name '{name}'{Suggestion(name)}");
            Reads.Add(slot);
            return Count(new Variable(start + 1, type, slot));
        }

        private string Suggestion(string name)
        {
            var close = scope.Names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (close is not null) return $" (names are case-sensitive: did you mean '{close}'?)";
            return scope.Count == 0 ? "" : $" (known: {string.Join(", ", scope.Names.Take(40))}{(scope.Count > 40 ? ", …" : "")})";
        }

        private Node Logical(string op, Node left, Node right, int column)
        {
            Require(left, RuleType.Boolean, $"'{op}'");
            Require(right, RuleType.Boolean, $"'{op}'");
            return Count(new Binary(column, RuleType.Boolean, op, left, right));
        }

        private Node Arithmetic(string op, Node left, Node right, int start)
        {
            Require(left, RuleType.Number, $"'{op}'");
            Require(right, RuleType.Number, $"'{op}'");
            return Count(new Binary(start + 1, RuleType.Number, op, left, right));
        }

        private Node Nested(Func<Node> parse)
        {
            if (++_depth > MaxDepth) throw Error(_position, $"the rule nests deeper than {MaxDepth} levels");
            var node = parse();
            _depth--;
            return node;
        }

        private Node Count(Node node)
        {
            if (++_nodes > MaxNodes) throw Error(node.Column - 1, $"the rule has more than {MaxNodes} operations and values");
            return node;
        }

        private static void Require(Node node, RuleType type, string what)
        {
            if (node.Type != type) throw new RuleSyntaxException(node.Column, $"{what} needs a {Name(type)} here, not a {Name(node.Type)}");
        }

        private static string Name(RuleType type) => type == RuleType.Number ? "number" : "condition";

        private void Skip()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position])) _position++;
        }

        private bool Peek(char c) => _position < text.Length && text[_position] == c;
        private bool PeekAt(int offset, char c) => _position + offset < text.Length && text[_position + offset] == c;
        private bool PeekAt(int offset, Func<char, bool> test) => _position + offset < text.Length && test(text[_position + offset]);

        private bool TrySymbol(string symbol)
        {
            Skip();
            if (string.CompareOrdinal(text, _position, symbol, 0, symbol.Length) != 0) return false;
            _position += symbol.Length;
            return true;
        }

        private bool TryKeyword(string keyword)
        {
            Skip();
            var end = _position + keyword.Length;
            if (end > text.Length || string.Compare(text, _position, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) != 0) return false;
            if (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '.' or '@')) return false;
            _position = end;
            return true;
        }

        private void Expect(char c, string why)
        {
            Skip();
            if (!Peek(c)) throw Error(_position, _position == text.Length ? $"missing '{c}' {why}" : $"expected '{c}' {why}, found '{Describe()}'");
            _position++;
        }

        private string Describe() => _position >= text.Length ? "end of rule" : text[_position].ToString();

        private static RuleSyntaxException Error(int position, string detail) => new(position + 1, detail);
    }
}
