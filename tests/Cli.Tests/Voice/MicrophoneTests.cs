using Atom.Cli.Voice;

namespace Atom.Cli.Tests.Voice;

public sealed class MicrophoneTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("atom-mic-").FullName;

    [Fact]
    public void Without_arecord_it_says_which_package_is_missing()
    {
        var error = Assert.Throws<UsageException>(() => Microphone.Find(path: _directory, devices: Devices("00-00: ALC : ALC : playback 1 : capture 1")));

        Assert.Contains("arecord", error.Message);
        Assert.Contains("alsa-utils", error.Message);
        Assert.Contains("--wav FILE", error.Message);
    }

    [Fact]
    public void Without_a_sound_card_or_a_capture_device_it_says_which()
    {
        var recorder = Path.Combine(_directory, "arecord");
        File.WriteAllText(recorder, string.Empty);

        var noCard = Assert.Throws<UsageException>(() => Microphone.Find(path: _directory, devices: Path.Combine(_directory, "no-such-pcm")));
        var playbackOnly = Assert.Throws<UsageException>(() => Microphone.Find(path: _directory, devices: Devices("00-00: HDMI 0 : HDMI 0 : playback 1")));

        Assert.Contains("no ALSA sound card", noCard.Message);
        Assert.Contains("lists no capture device", playbackOnly.Message);
        Assert.Equal(recorder, Microphone.Find(path: _directory, devices: Devices("00-00: ALC : ALC : playback 1 : capture 1")));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Devices(string line)
    {
        var path = Path.Combine(_directory, "pcm-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, line + "\n");
        return path;
    }
}
