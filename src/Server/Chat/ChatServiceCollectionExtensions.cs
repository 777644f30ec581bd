using Atom.Server.Chat.Api;
using Atom.Server.Chat.Api.Internal;
using Atom.Server.Chat.Backplane;
using Atom.Server.Chat.Stores;
using Atom.Server.Chat.Streaming;
using Atom.Server.Chat.Transcripts;
using Atom.Server.Jobs;
using Atom.Server.Rpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Chat;

/// <summary>Registers chat: its stores, live delivery and RPC services.</summary>
public static class ChatServiceCollectionExtensions
{
    /// <summary>Adds chat. Needs storage, identity, jobs and an <see cref="IMessageAttachments"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration (<c>Atom:Chat</c>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ChatOptions>(configuration.GetSection(ChatOptions.Section));
        services.Configure<ChatStreamOptions>(configuration.GetSection(ChatStreamOptions.Section));
        services.AddSingleton<RoomStore>();
        services.AddSingleton<MessageStore>();
        services.AddSingleton<RoomEventLog>();
        services.AddSingleton<AnnotationStore>();
        services.AddSingleton<RoomFanout>();
        services.AddAtomChatBackplane(configuration);
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<IRoomEventSource, StoredRoomEventSource>();
        services.AddSingleton<RoomGate>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ChatStreamOptions>>().Value);
        services.AddSingleton<SendRateLimiter>();
        services.AddSingleton<VoiceTranscriptQueue>();
        services.AddSingleton<IMessageChangeObserver>(sp => sp.GetRequiredService<VoiceTranscriptQueue>());
        services.AddJobHandler<VoiceTranscriptAttacher>();
        services.AddAtomService<ChatApi>();
        services.AddAtomService<RoomApi>();
        services.AddAtomService<AnnotationApi>();
        return services;
    }
}
