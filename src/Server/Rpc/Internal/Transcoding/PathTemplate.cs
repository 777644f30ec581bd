using System.Text;

namespace Atom.Server.Rpc.Internal.Transcoding;

/// <summary>
/// A parsed google.api.http path template:
/// <c>Template = "/" Segments [Verb]; Segments = Segment {"/" Segment}; Segment = "*" | "**" | LITERAL | Variable;
/// Variable = "{" FieldPath ["=" Segments] "}"; FieldPath = IDENT {"." IDENT}; Verb = ":" LITERAL</c>.
/// Variables are flattened to ranges over the segments, so matching is one pass over the request's segments.
/// </summary>
internal sealed class PathTemplate
{
    private PathTemplate(string text, IReadOnlyList<TemplateSegment> segments, IReadOnlyList<TemplateVariable> variables, string? verb)
    {
        Text = text;
        Segments = segments;
        Variables = variables;
        Verb = verb;
        DeepWildcardIndex = -1;
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].Kind == SegmentKind.DeepWildcard)
            {
                DeepWildcardIndex = i;
            }
            else if (segments[i].Kind == SegmentKind.Literal)
            {
                LiteralCount++;
            }
        }
    }

    /// <summary>Gets the template as written.</summary>
    public string Text { get; }

    /// <summary>Gets the segments, variables expanded in place.</summary>
    public IReadOnlyList<TemplateSegment> Segments { get; }

    /// <summary>Gets the variables, in order.</summary>
    public IReadOnlyList<TemplateVariable> Variables { get; }

    /// <summary>Gets the custom verb (without the colon), or null.</summary>
    public string? Verb { get; }

    /// <summary>Gets the index of the "**" segment, or -1.</summary>
    public int DeepWildcardIndex { get; }

    /// <summary>Gets the number of literal segments: more literals means a more specific template.</summary>
    public int LiteralCount { get; }

    /// <summary>Gets the first segment when it is a literal (the matcher's bucket key), else null.</summary>
    public string? FirstLiteral => Segments.Count > 0 && Segments[0].Kind == SegmentKind.Literal ? Segments[0].Literal : null;

    /// <summary>Parses a template; throws <see cref="FormatException"/> saying what is wrong and where.</summary>
    public static PathTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        return parser.ParseTemplate();
    }

    /// <summary>
    /// Matches a request path (raw, still percent-encoded, without the query). On success the variables'
    /// values are percent-decoded; a variable over several segments keeps its slashes (and "%2F" stays encoded).
    /// </summary>
    public bool TryMatch(string[] pathSegments, string? verb, out string[] values)
    {
        values = [];
        if (!string.Equals(verb, Verb, StringComparison.Ordinal))
        {
            return false;
        }

        var count = Segments.Count;
        if (DeepWildcardIndex < 0 ? pathSegments.Length != count : pathSegments.Length < count - 1)
        {
            return false;
        }

        // Segment i of the template covers request segments [start[i], end[i]).
        var extra = pathSegments.Length - count;
        Span<int> starts = count <= 32 ? stackalloc int[count] : new int[count];
        Span<int> ends = count <= 32 ? stackalloc int[count] : new int[count];
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            var segment = Segments[i];
            var width = segment.Kind == SegmentKind.DeepWildcard ? extra + 1 : 1;
            starts[i] = position;
            ends[i] = position + width;
            if (segment.Kind == SegmentKind.Literal)
            {
                if (!LiteralMatches(segment.Literal!, pathSegments[position]))
                {
                    return false;
                }
            }
            else if (segment.Kind == SegmentKind.Wildcard && pathSegments[position].Length == 0)
            {
                return false;
            }

            position += width;
        }

        values = new string[Variables.Count];
        for (var v = 0; v < Variables.Count; v++)
        {
            var variable = Variables[v];
            var from = starts[variable.StartSegment];
            var to = ends[variable.EndSegment - 1];
            if (to - from == 1 && !variable.IsMultiSegment)
            {
                values[v] = Uri.UnescapeDataString(pathSegments[from]);
                continue;
            }

            var builder = new StringBuilder();
            for (var s = from; s < to; s++)
            {
                if (s > from)
                {
                    builder.Append('/');
                }

                builder.Append(DecodeKeepingSlashes(pathSegments[s]));
            }

            values[v] = builder.ToString();
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static bool LiteralMatches(string literal, string segment) =>
        segment.Contains('%', StringComparison.Ordinal)
            ? string.Equals(literal, Uri.UnescapeDataString(segment), StringComparison.Ordinal)
            : string.Equals(literal, segment, StringComparison.Ordinal);

    private static string DecodeKeepingSlashes(string segment)
    {
        if (!segment.Contains('%', StringComparison.Ordinal))
        {
            return segment;
        }

        // "%2F" inside a multi-segment value is data, not a separator: leave it encoded (as the spec says).
        const string marker = "\u0001";
        var protectedText = segment.Replace("%2F", marker, StringComparison.Ordinal).Replace("%2f", marker, StringComparison.Ordinal);
        return Uri.UnescapeDataString(protectedText).Replace(marker, "%2F", StringComparison.Ordinal);
    }

    private ref struct Parser(string text)
    {
        private readonly string _text = text;
        private int _position;
        private readonly List<TemplateSegment> _segments = [];
        private readonly List<TemplateVariable> _variables = [];

        public PathTemplate ParseTemplate()
        {
            if (_text.Length == 0 || _text[0] != '/')
            {
                throw Error("a template starts with '/'");
            }

            _position = 1;
            ParseSegments(inVariable: false);
            string? verb = null;
            if (_position < _text.Length && _text[_position] == ':')
            {
                _position++;
                verb = ReadLiteral();
                if (verb.Length == 0)
                {
                    throw Error("a verb after ':' is not empty");
                }
            }

            if (_position != _text.Length)
            {
                throw Error($"unexpected '{_text[_position]}'");
            }

            for (var i = 0; i < _segments.Count; i++)
            {
                if (_segments[i].Kind == SegmentKind.DeepWildcard && i != _segments.Count - 1)
                {
                    throw new FormatException($"Invalid path template '{_text}': '**' must be the last segment.");
                }
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var variable in _variables)
            {
                if (!names.Add(variable.FieldPath))
                {
                    throw new FormatException($"Invalid path template '{_text}': the field '{variable.FieldPath}' is bound twice.");
                }
            }

            return new PathTemplate(_text, _segments, _variables, verb);
        }

        private void ParseSegments(bool inVariable)
        {
            while (true)
            {
                ParseSegment(inVariable);
                if (_position < _text.Length && _text[_position] == '/')
                {
                    _position++;
                    continue;
                }

                return;
            }
        }

        private void ParseSegment(bool inVariable)
        {
            if (_position >= _text.Length)
            {
                throw Error("a segment is expected");
            }

            var c = _text[_position];
            if (c == '*')
            {
                if (_position + 1 < _text.Length && _text[_position + 1] == '*')
                {
                    _position += 2;
                    _segments.Add(new TemplateSegment(SegmentKind.DeepWildcard, null));
                }
                else
                {
                    _position++;
                    _segments.Add(new TemplateSegment(SegmentKind.Wildcard, null));
                }

                RequireSegmentEnd();
                return;
            }

            if (c == '{')
            {
                if (inVariable)
                {
                    throw Error("variables do not nest");
                }

                ParseVariable();
                return;
            }

            var literal = ReadLiteral();
            if (literal.Length == 0)
            {
                throw Error("a segment is empty");
            }

            _segments.Add(new TemplateSegment(SegmentKind.Literal, Uri.UnescapeDataString(literal)));
        }

        private void ParseVariable()
        {
            _position++;
            var fieldStart = _position;
            while (_position < _text.Length && _text[_position] is not ('}' or '='))
            {
                _position++;
            }

            var fieldPath = _text[fieldStart.._position];
            if (!IsFieldPath(fieldPath))
            {
                throw new FormatException($"Invalid path template '{_text}' at {fieldStart}: '{fieldPath}' is not a field path (IDENT {{'.' IDENT}}).");
            }

            var first = _segments.Count;
            if (_position < _text.Length && _text[_position] == '=')
            {
                _position++;
                ParseSegments(inVariable: true);
            }
            else
            {
                _segments.Add(new TemplateSegment(SegmentKind.Wildcard, null));
            }

            if (_position >= _text.Length || _text[_position] != '}')
            {
                throw Error($"the variable '{fieldPath}' is not closed with '}}'");
            }

            _position++;
            var multi = _segments.Count - first > 1 || _segments[first].Kind == SegmentKind.DeepWildcard;
            _variables.Add(new TemplateVariable(fieldPath, first, _segments.Count, multi));
            RequireSegmentEnd();
        }

        private void RequireSegmentEnd()
        {
            if (_position < _text.Length && _text[_position] is not ('/' or '}' or ':'))
            {
                throw Error($"unexpected '{_text[_position]}' inside a segment");
            }
        }

        private string ReadLiteral()
        {
            var start = _position;
            while (_position < _text.Length)
            {
                var c = _text[_position];
                if (c is '/' or '{' or '}' or '*' or ':' or '=' or '?' or '#' || char.IsWhiteSpace(c))
                {
                    break;
                }

                _position++;
            }

            return _text[start.._position];
        }

        private readonly FormatException Error(string what) =>
            new($"Invalid path template '{_text}' at {_position}: {what}.");

        private static bool IsFieldPath(string path)
        {
            if (path.Length == 0)
            {
                return false;
            }

            foreach (var part in path.Split('.'))
            {
                if (part.Length == 0 || !(char.IsAsciiLetter(part[0]) || part[0] == '_'))
                {
                    return false;
                }

                foreach (var c in part)
                {
                    if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }
}

/// <summary>What a template segment matches.</summary>
internal enum SegmentKind
{
    /// <summary>Exactly the literal text.</summary>
    Literal,

    /// <summary>"*": any one non-empty segment.</summary>
    Wildcard,

    /// <summary>"**": zero or more segments (last only).</summary>
    DeepWildcard,
}

/// <summary>One segment of a template.</summary>
internal readonly record struct TemplateSegment(SegmentKind Kind, string? Literal);

/// <summary>A variable: the field it binds and the segments [<see cref="StartSegment"/>, <see cref="EndSegment"/>) it covers.</summary>
internal sealed record TemplateVariable(string FieldPath, int StartSegment, int EndSegment, bool IsMultiSegment);
