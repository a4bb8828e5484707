using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Options;

namespace AiTrading.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class VenueRegistryTests(ClusterFixture fixture)
{
    private static VenueRegistry Registry(string defaultVenue = TradingOptions.PaperVenue) => new([new PaperVenues(), new Mt5Venues()], Options.Create(new TradingOptions
    {
        DefaultVenue = defaultVenue,
        Mt5Terminals = { ["mt5"] = new Mt5TerminalOptions { Token = new string('t', 32) } },
    }));

    private static OrderRequest Order(string? venue = null, BracketRequest? bracket = null) =>
        new("c1", "ACC", "EURUSD", OrderSide.Buy, 1000, Venue: venue, Bracket: bracket);

    [Fact]
    public void Every_configured_venue_is_known_by_name_and_an_order_without_one_goes_to_the_default()
    {
        Registry().Names.ShouldBe(["mt5", "paper"]);
        Registry().Require(Order()).ShouldBe("paper");
        Registry("mt5").Require(Order()).ShouldBe("mt5");
        Registry().Require(Order("mt5")).ShouldBe("mt5");
    }

    [Fact]
    public void An_unknown_venue_and_what_a_venue_cannot_take_are_refused_naming_the_field()
    {
        var unknown = Should.Throw<ValidationException>(() => Registry().Require(Order("lse")));
        unknown.Errors.Single().ShouldBe(new FieldError("venue", "unknown venue 'lse' (known: mt5, paper)"));
        var bracket = new BracketRequest(1.0m, null);
        Should.Throw<ValidationException>(() => Registry().Require(Order("mt5", bracket))).Errors.Single().Field.ShouldBe("bracket");
        Registry().Require(Order("paper", bracket)).ShouldBe("paper");
    }

    [Fact]
    public void Paper_orders_go_to_the_book_of_their_symbol_and_mt5_orders_to_their_terminal()
    {
        Registry().Route(fixture.Client, "paper", "EURUSD").ShouldBeAssignableTo<IVenueGrain>()!.GetPrimaryKeyString().ShouldBe("paper/EURUSD");
        Registry().Route(fixture.Client, "mt5", "EURUSD").ShouldBeAssignableTo<IMt5BridgeGrain>()!.GetPrimaryKeyString().ShouldBe("mt5");
    }
}
