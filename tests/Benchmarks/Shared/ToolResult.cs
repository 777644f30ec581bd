using System.Text.Json.Serialization;

namespace Atom.Benchmarks.Shared;

/// <summary>What every load-tool run reports, whatever it measured: its labels, how long it measured, what failed, and the processes' readings.</summary>
public abstract record ToolResult : IRunResult
{
    /// <summary>Gets the command that ran.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the scenario's label.</summary>
    public required string Scenario { get; init; }

    /// <summary>Gets the storage provider's label.</summary>
    public required string Store { get; init; }

    /// <summary>Gets the length of the measured phase in seconds.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>Gets failed calls and broken checks, by reason (empty when everything was right).</summary>
    public Dictionary<string, long> Errors { get; init; } = [];

    /// <summary>Gets the CPU of the load tool, the server and the database in the measured phase, and memory and load at its end.</summary>
    public ProcessReadings? Process { get; init; }

    /// <summary>Gets whether every call was answered correctly and every check held.</summary>
    [JsonIgnore]
    public virtual bool Succeeded => Errors.Count == 0;

    /// <inheritdoc />
    public abstract string ToJson();

    /// <inheritdoc />
    public abstract string ToText();
}
