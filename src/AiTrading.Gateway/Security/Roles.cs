namespace AiTrading.Gateway.Security;

/// <summary>
/// The roles a token can carry (claim "role", one value each). A role grants a kind of act, never another's:
/// an admin manages accounts and configuration but does not trade, a trader trades only the accounts in the token.
/// </summary>
public static class Roles
{
    /// <summary>Reads market data, instruments, strategies, models, venues and backtests; portfolios and orders of its accounts.</summary>
    public const string Viewer = "viewer";
    /// <summary>Places, cancels and replaces orders and runs strategies on the accounts in its token; runs backtests.</summary>
    public const string Trader = "trader";
    /// <summary>Engages and releases kill switches and changes account limits; reads every account.</summary>
    public const string Risk = "risk";
    /// <summary>Reads audit streams and compliance data; reads every account.</summary>
    public const string Compliance = "compliance";
    /// <summary>Trains, promotes and rolls back models; runs backtests.</summary>
    public const string Quant = "quant";
    /// <summary>Creates accounts, reads configuration and the cluster dashboard; trains and promotes models.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Trader, Risk, Compliance, Quant, Admin];

    /// <summary>Roles that oversee every account rather than the ones listed in the token.</summary>
    public static readonly IReadOnlyList<string> Oversight = [Risk, Compliance, Admin];
}

/// <summary>The authorization policies endpoints name; each is a set of roles (<see cref="AuthenticationHosting"/>).</summary>
public static class Policies
{
    /// <summary>Any role.</summary>
    public const string Read = "read";
    public const string Trade = "trade";
    /// <summary>Backtests: traders and quants.</summary>
    public const string Research = "research";
    /// <summary>Training, promotion and rollback of models: quants and admins.</summary>
    public const string Models = "models";
    public const string Risk = "risk";
    public const string Compliance = "compliance";
    public const string Admin = "admin";

    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [Read] = [.. Roles.All],
        [Trade] = [Roles.Trader],
        [Research] = [Roles.Trader, Roles.Quant],
        [Models] = [Roles.Quant, Roles.Admin],
        [Risk] = [Roles.Risk],
        [Compliance] = [Roles.Compliance],
        [Admin] = [Roles.Admin],
    };
}

/// <summary>Claim names of the platform's tokens.</summary>
public static class Claims
{
    public const string Subject = "sub";
    public const string Role = "role";
    /// <summary>The accounts a token acts on, one value each; "*" is every account.</summary>
    public const string Accounts = "accounts";
    public const string AllAccounts = "*";
}
