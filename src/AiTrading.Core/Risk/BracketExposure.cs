namespace AiTrading.Core.Risk;

/// <summary>
/// One protective leg of a bracket as its order stands: its stop or limit price, its quantity and what of it filled,
/// and whether it is done (filled, cancelled, expired). A leg the venue has not opened yet is not done, with quantity 0.
/// </summary>
public readonly record struct BracketLeg(decimal Price, decimal Quantity, decimal Filled, bool Done);

/// <summary>
/// What the open legs of one bracket may still take off the position, priced at the leg that would weigh most: the
/// legs are one-cancels-other and each is sized to what the entry filled, so together they close the entry's filled
/// quantity less what they filled already, and they count once (never once per leg, so a bracket alone cannot flip
/// the position). A leg's own order counts where it shows more (changed by hand, or not yet shrunk after its sibling's
/// fill), so the count never falls short of what could trade. None once every leg is done.
/// </summary>
public readonly record struct BracketExposure(decimal Quantity, decimal Price)
{
    /// <param name="entryFilled">how much of the entry has filled (the legs grow with it)</param>
    /// <param name="legs">the bracket's legs (one or two)</param>
    public static BracketExposure Of(decimal entryFilled, IReadOnlyList<BracketLeg> legs)
    {
        decimal filled = 0, own = 0, price = 0;
        var open = false;
        foreach (var leg in legs)
        {
            filled += leg.Filled;
            if (leg.Done) continue;
            open = true;
            own = Math.Max(own, leg.Quantity - leg.Filled);
            price = Math.Max(price, leg.Price);
        }
        var left = open ? Math.Max(entryFilled - filled, own) : 0;
        return left == 0 ? default : new(left, price);
    }

    public bool IsOpen => Quantity > 0;
}
