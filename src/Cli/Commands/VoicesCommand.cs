using System.CommandLine;
using System.Globalization;
using Atom.Cli.Voice;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Cli.Commands;

/// <summary>
/// <c>atom voices [--language en]</c>: the voices <c>atom say</c> speaks with (VoiceService.ListVoices), the default
/// marked; and <c>atom voice profile [--voice V] [--rate R] [--pitch P]</c>: the caller's voice profile, shown, or
/// changed in the fields given (an update mask of just those).
/// </summary>
internal static class VoicesCommand
{
    public static Command Create(CommandRunner runner)
    {
        var language = new Option<string?>("--language") { Description = "Only voices of this language (a BCP-47 prefix, e.g. en)", HelpName = "LANG" };
        var command = new Command("voices", "List the voices atom say can speak with, the default marked with *") { language };
        command.SetAction((result, token) => runner.RunAsync(result, context => VoiceErrors.RunAsync(context, async () =>
        {
            using var connection = context.Connect();
            var response = await new VoiceServiceClient(connection)
                .ListVoicesAsync(new ListVoicesRequest { Language = result.GetValue(language)?.Trim() ?? string.Empty }, context.CallOptions())
                .ConfigureAwait(false);
            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(response)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            Display.Table(context.Console, "voices", ["name", "language", "description"], response.Voices.Select(v =>
                new[] { v.Name == response.DefaultVoice ? v.Name + " *" : v.Name, v.Language, v.DisplayName }));
            return ExitCodes.Success;
        }), token));
        return command;
    }

    public static Command CreateVoice(CommandRunner runner) => new("voice", "Your voice settings") { ProfileCommand(runner) };

    private static Command ProfileCommand(CommandRunner runner)
    {
        var voice = new Option<string?>("--voice") { Description = "The voice atom say uses for you ('' for the server's default)", HelpName = "VOICE" };
        var rate = new Option<float?>("--rate") { Description = "Your speed, 0.5 to 2 (0 for normal)", HelpName = "R" };
        var pitch = new Option<float?>("--pitch") { Description = "Your pitch, 0.5 to 2 (0 for normal)", HelpName = "P" };
        var command = new Command("profile", "Show your voice profile, or change the settings given") { voice, rate, pitch };
        command.SetAction((result, token) => runner.RunAsync(result, context => VoiceErrors.RunAsync(context, async () =>
        {
            using var connection = context.Connect();
            var client = new VoiceServiceClient(connection);
            var update = new UpdateVoiceProfileRequest { Profile = new VoiceProfile(), UpdateMask = new FieldMask() };
            if (result.GetValue(voice) is { } named)
            {
                update.Profile.Voice = named.Trim();
                update.UpdateMask.Paths.Add("voice");
            }

            if (result.GetValue(rate) is { } speed)
            {
                update.Profile.Rate = speed;
                update.UpdateMask.Paths.Add("rate");
            }

            if (result.GetValue(pitch) is { } height)
            {
                update.Profile.Pitch = height;
                update.UpdateMask.Paths.Add("pitch");
            }

            var profile = update.UpdateMask.Paths.Count == 0
                ? (await client.GetVoiceProfileAsync(new GetVoiceProfileRequest(), context.CallOptions()).ConfigureAwait(false)).Profile
                : (await client.UpdateVoiceProfileAsync(update, context.CallOptions()).ConfigureAwait(false)).Profile;
            if (context.Settings.Output == OutputFormat.Json)
            {
                await context.Out.WriteLineAsync(context.Json(profile ?? new VoiceProfile())).ConfigureAwait(false);
            }
            else
            {
                Display.Facts(context.Console, Facts(profile ?? new VoiceProfile()));
            }

            return ExitCodes.Success;
        }), token));
        return command;
    }

    private static IEnumerable<(string Name, string Value)> Facts(VoiceProfile profile)
    {
        yield return ("voice", profile.Voice.Length > 0 ? profile.Voice : "(the server's default)");
        yield return ("rate", profile.Rate > 0 ? profile.Rate.ToString("0.##", CultureInfo.InvariantCulture) : "normal");
        yield return ("pitch", profile.Pitch > 0 ? profile.Pitch.ToString("0.##", CultureInfo.InvariantCulture) : "normal");
    }
}
