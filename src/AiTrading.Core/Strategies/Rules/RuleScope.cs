namespace AiTrading.Core.Strategies.Rules;

/// <summary>Whether a rule value is a number or a truth value.</summary>
public enum RuleType { Number, Boolean }

/// <summary>
/// The variables a rule may read, each with a slot in the input array of <see cref="CompiledRule.Evaluate"/>
/// and a type (truth values are passed as 1 and 0). Names are case-sensitive, as feature names are.
/// </summary>
public sealed class RuleScope
{
    private readonly Dictionary<string, (int Slot, RuleType Type)> _variables = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public RuleScope Add(string name, RuleType type = RuleType.Number)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_variables.ContainsKey(name)) throw new ArgumentException($"variable '{name}' is already in the scope", nameof(name));
        _variables.Add(name, (_names.Count, type));
        _names.Add(name);
        return this;
    }

    /// <summary>Variable names in slot order.</summary>
    public IReadOnlyList<string> Names => _names;

    public int Count => _names.Count;

    public int SlotOf(string name) => _variables.TryGetValue(name, out var v) ? v.Slot : throw new KeyNotFoundException($"variable '{name}' is not in the scope");

    internal bool TryGet(string name, out int slot, out RuleType type)
    {
        if (_variables.TryGetValue(name, out var v))
        {
            (slot, type) = v;
            return true;
        }
        (slot, type) = (-1, RuleType.Number);
        return false;
    }
}
