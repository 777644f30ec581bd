using Atom.Server.Identity.Api.Internal;
using Atom.V1;

namespace Atom.Server.Chat.Api.Internal;

/// <summary>
/// The role rules of membership and authorship, as members of <see cref="RoomGate"/> itself (called
/// <c>RoomGate.EnsureMayAssign(...)</c>), so room roles are still enforced in one place: moderators manage viewers
/// and members, owners manage everyone, and a direct room's members are fixed.
/// </summary>
internal static class RoomGateMembership
{
    extension(RoomGate)
    {
        /// <summary>Refuses giving <paramref name="role"/> (by adding, inviting or promoting) unless the caller's room role allows it.</summary>
        /// <param name="room">The room, as the caller sees it.</param>
        /// <param name="role">The role to give.</param>
        /// <param name="verb">What is being done, e.g. "Adding" or "Inviting".</param>
        public static void EnsureMayAssign(Room room, RoomRole role, string verb) =>
            RoomGate.EnsureRole(room, ManagerOf(role), $"{verb} a {RoomGate.RoleName(role)}");

        /// <summary>Refuses removing a member holding <paramref name="role"/> unless the caller's room role allows it.</summary>
        /// <param name="room">The room, as the caller sees it.</param>
        /// <param name="role">The member's role.</param>
        public static void EnsureMayRemove(Room room, RoomRole role) =>
            RoomGate.EnsureRole(room, ManagerOf(role), $"Removing a {RoomGate.RoleName(role)}");

        /// <summary>Refuses a change to someone else's work (an annotation) unless the caller moderates the room.</summary>
        /// <param name="room">The room, as the caller sees it.</param>
        /// <param name="authorId">Who made the thing.</param>
        /// <param name="callerId">Who asks.</param>
        /// <param name="action">What is being done, e.g. "Deleting another's annotation".</param>
        public static void EnsureAuthorOrModerator(Room room, string authorId, string callerId, string action)
        {
            if (authorId != callerId)
            {
                RoomGate.EnsureRole(room, RoomRole.Moderator, action);
            }
        }

        /// <summary>Refuses a membership change of a direct room: it is a conversation between a fixed set of users.</summary>
        /// <param name="room">The room.</param>
        public static void EnsureMembershipChangeable(Room room)
        {
            if (room.Visibility == RoomVisibility.Direct)
            {
                throw IdentityErrors.FailedPrecondition(
                    $"Room '{room.Id}' is a direct conversation: its members are fixed. Open another direct room for another set of people.");
            }
        }
    }

    // Moderators manage the roles below their own; owners manage every role, their own included.
    private static RoomRole ManagerOf(RoomRole role) => role >= RoomRole.Moderator ? RoomRole.Owner : RoomRole.Moderator;
}
