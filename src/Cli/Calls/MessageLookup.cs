using System.Globalization;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Calls;

/// <summary>A message as typed: its id, or the sequence number <c>atom history</c> and <c>atom watch</c> show for it.</summary>
internal static class MessageLookup
{
    /// <summary>Gets a message's id.</summary>
    /// <param name="context">The call options.</param>
    /// <param name="invoker">The connection.</param>
    /// <param name="room">The room it is in.</param>
    /// <param name="message">A message id, or a sequence (digits only; ids are 32 hex characters, so they never are).</param>
    /// <returns>The message id.</returns>
    /// <exception cref="RpcException">NOT_FOUND when no message was posted at that sequence.</exception>
    public static async Task<string> IdOfAsync(CliContext context, CallInvoker invoker, Room room, string message)
    {
        var key = message.Trim().TrimStart('#');
        if (key.Length is 0 or > 18 || !key.All(char.IsAsciiDigit))
        {
            return message.Trim();
        }

        var sequence = long.Parse(key, CultureInfo.InvariantCulture);
        var page = await new ChatServiceClient(invoker).ListMessagesAsync(
            new ListMessagesRequest { RoomId = room.Id, BeforeSequence = sequence + 1, PageSize = 1 },
            context.CallOptions()).ConfigureAwait(false);
        return page.Messages.FirstOrDefault(m => m.Sequence == sequence)?.Id
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No message of {room.Name} was posted at #{sequence}."));
    }
}
