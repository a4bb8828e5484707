using AiTrading.Contracts;
using AiTrading.Core;

namespace AiTrading.Grains;

/// <summary>Turns Core's exceptions into the serializable ones of Contracts at the grain boundary.</summary>
public sealed class DomainExceptionFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (ValidationException e)
        {
            throw new InvalidRequestException(e.Errors);
        }
        catch (NotFoundException e)
        {
            throw new ResourceNotFoundException(e.What, e.Id);
        }
    }
}
