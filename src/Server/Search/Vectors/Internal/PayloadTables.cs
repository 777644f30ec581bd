namespace Atom.Server.Search.Vectors.Internal;

/// <summary>The <see cref="StringTable"/> of each payload field of one collection.</summary>
internal sealed class PayloadTables
{
    public StringTable Tenants { get; } = new();

    public StringTable Sources { get; } = new();

    public StringTable Scopes { get; } = new();

    public StringTable Kinds { get; } = new();

    public StringTable Categories { get; } = new();

    /// <summary>Writes a payload's fields into a slot's columns and counts the slot as live for each of them.</summary>
    public void Store(SlotArrays slots, int slot, VectorPayload payload)
    {
        slots.Tenant[slot] = Take(Tenants, payload.TenantId);
        slots.Source[slot] = Take(Sources, payload.SourceId);
        slots.Scope[slot] = Take(Scopes, payload.Scope);
        slots.Kind[slot] = Take(Kinds, payload.Kind);
        slots.Category[slot] = Take(Categories, payload.Category);
        slots.Created[slot] = payload.CreatedAt;
    }

    /// <summary>Stops counting a slot (now deleted) as live.</summary>
    public void Release(SlotArrays slots, int slot)
    {
        Tenants.AddLive(slots.Tenant[slot], -1);
        Sources.AddLive(slots.Source[slot], -1);
        Scopes.AddLive(slots.Scope[slot], -1);
        Kinds.AddLive(slots.Kind[slot], -1);
        Categories.AddLive(slots.Category[slot], -1);
    }

    /// <summary>The payload of a slot.</summary>
    public VectorPayload Payload(SlotArrays slots, int slot) => new(
        Tenants[slots.Tenant[slot]],
        Sources[slots.Source[slot]],
        Scopes[slots.Scope[slot]],
        Kinds[slots.Kind[slot]],
        slots.Created[slot],
        Categories[slots.Category[slot]]);

    private static int Take(StringTable table, string value)
    {
        var id = table.Intern(value);
        table.AddLive(id, 1);
        return id;
    }
}
