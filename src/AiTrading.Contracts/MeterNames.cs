namespace AiTrading.Contracts;

/// <summary>The platform's meter name, known to the grains that record on it and to the hosts (silo, gateway) that export it.</summary>
public static class MeterNames
{
    public const string Platform = "AiTrading";
}
