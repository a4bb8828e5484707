namespace AiTrading.Core.Risk;

/// <summary>
/// One protective leg of a bracket as its order stands: its stop or limit price, the quantity it filled, and whether it
/// is done (filled, cancelled, expired). A leg the venue has not opened yet is not done and has filled nothing.
/// </summary>
public readonly record struct BracketLeg(decimal Price, decimal Filled, bool Done);

/// <summary>
/// What the open legs of one bracket may still take off the position, priced at the leg that would weigh most: the
/// legs are one-cancels-other and each is sized to what the entry filled, so together they close at most the entry's
/// filled quantity less what they filled already, and they count once (never once per leg, and never more than the
/// entry brought, so a bracket alone cannot flip the position). None once every leg is done.
/// </summary>
public readonly record struct BracketExposure(decimal Quantity, decimal Price)
{
    /// <param name="entryFilled">how much of the entry has filled (the legs grow with it)</param>
    /// <param name="legs">the bracket's legs (one or two)</param>
    /// <param name="replacing">
    /// the quantity still to fill of a leg of this bracket that is being replaced (it is checked as the order itself):
    /// the bracket then adds only what its other leg could take beyond it
    /// </param>
    public static BracketExposure Of(decimal entryFilled, IReadOnlyList<BracketLeg> legs, decimal replacing = 0)
    {
        decimal filled = 0, price = 0;
        var open = false;
        foreach (var leg in legs)
        {
            filled += leg.Filled;
            if (leg.Done) continue;
            open = true;
            price = Math.Max(price, leg.Price);
        }
        var left = open ? Math.Max(0, entryFilled - filled - replacing) : 0;
        return left == 0 ? default : new(left, price);
    }

    public bool IsOpen => Quantity > 0;
}
