namespace Mailroom.Server.Push;

/// <summary>
/// A client's queued events, oldest first (PROTOCOL.md §5): a ring that grows by doubling up to
/// its bound, so an idle client costs nothing and a full one never more than the bound. Not
/// thread-safe: its <see cref="ClientChannel"/> guards it.
/// </summary>
internal sealed class EventQueue
{
    private PushEvent?[] _items = [];
    private int _head;

    public int Count { get; private set; }

    /// <summary>
    /// Appends an event; when the queue already holds <paramref name="bound"/> events the oldest are
    /// dropped to make room. Returns how many were dropped.
    /// </summary>
    public int Enqueue(PushEvent item, int bound)
    {
        var dropped = 0;
        while (Count >= bound)
        {
            Dequeue();
            dropped++;
        }

        Grow(bound);
        _items[(_head + Count) % _items.Length] = item;
        Count++;
        return dropped;
    }

    /// <summary>
    /// Puts an event back at the head (its delivery failed). It is older than every queued event, so
    /// when the queue is full it is the one to drop: false, and nothing changes.
    /// </summary>
    public bool PushFront(PushEvent item, int bound)
    {
        if (Count >= bound)
        {
            return false;
        }

        Grow(bound);
        _head = (_head - 1 + _items.Length) % _items.Length;
        _items[_head] = item;
        Count++;
        return true;
    }

    public bool TryDequeue(out PushEvent item)
    {
        if (Count == 0)
        {
            item = null!;
            return false;
        }

        item = Dequeue();
        return true;
    }

    /// <summary>The queued events, oldest first.</summary>
    public List<PushEvent> ToList()
    {
        var list = new List<PushEvent>(Count);
        for (var i = 0; i < Count; i++)
        {
            list.Add(_items[(_head + i) % _items.Length]!);
        }

        return list;
    }

    private PushEvent Dequeue()
    {
        var item = _items[_head]!;
        _items[_head] = null;
        _head = (_head + 1) % _items.Length;
        Count--;
        if (Count == 0)
        {
            _head = 0;
        }

        return item;
    }

    private void Grow(int bound)
    {
        if (Count < _items.Length)
        {
            return;
        }

        var larger = new PushEvent?[Math.Min(Math.Max(4, _items.Length * 2), Math.Max(bound, Count + 1))];
        for (var i = 0; i < Count; i++)
        {
            larger[i] = _items[(_head + i) % _items.Length];
        }

        _items = larger;
        _head = 0;
    }
}
