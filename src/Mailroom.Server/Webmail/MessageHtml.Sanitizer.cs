using System.Collections.Frozen;
using System.Text;
using MimeKit.Text;

namespace Mailroom.Server.Webmail;

internal static partial class MessageHtml
{
    /// <summary>One run of the sanitiser: MimeKit's tokens in, the allow-listed document written anew.</summary>
    private sealed class Sanitizer(TextWriter output, bool remoteImages, Func<string, string?>? inlineImage)
    {
        // The kept elements open in the output, innermost last, with how many of each name.
        private readonly List<string> _open = [];
        private readonly Dictionary<string, int> _openCounts = new(StringComparer.Ordinal);
        private HtmlWriter _writer = null!;

        // Inside an element dropped with its content: its name and how deeply it nests in itself.
        private string? _skipping;
        private int _skipDepth;

        // Inside a style element: its text so far.
        private StringBuilder? _style;

        public int BlockedImages { get; private set; }

        public void Run(string html)
        {
            using var writer = new HtmlWriter(output);
            _writer = writer;
            var tokenizer = new HtmlTokenizer(new StringReader(html));
            while (tokenizer.ReadNextToken(out var token))
            {
                if (_skipping is not null)
                {
                    Skip(token);
                }
                else if (_style is not null)
                {
                    Style(token);
                }
                else if (token is HtmlTagToken tag)
                {
                    Tag(tag);
                }
                else if (token.Kind == HtmlTokenKind.Data && token is HtmlDataToken data)
                {
                    writer.WriteText(data.Data.Replace('\0', '\uFFFD'));
                }

                // Comments (conditional comments included), CDATA and doctypes are dropped.
            }

            if (_style is not null)
            {
                WriteStyle();
            }

            for (var i = _open.Count - 1; i >= 0; i--)
            {
                writer.WriteEndTag(_open[i]);
            }

            writer.Flush();
        }

        private void Skip(HtmlToken token)
        {
            if (token is HtmlTagToken tag && Name(tag) == _skipping)
            {
                if (tag.IsEndTag)
                {
                    if (--_skipDepth == 0)
                    {
                        _skipping = null;
                    }
                }
                else if (!tag.IsEmptyElement)
                {
                    _skipDepth++;
                }
            }
        }

        private void Style(HtmlToken token)
        {
            if (token is HtmlDataToken data && token.Kind == HtmlTokenKind.Data)
            {
                _style!.Append(data.Data);
            }
            else if (token is HtmlTagToken { IsEndTag: true } tag && Name(tag) == "style")
            {
                WriteStyle();
            }
        }

        private void WriteStyle()
        {
            var css = MessageCss.Clean(_style!.ToString());
            _style = null;
            if (!string.IsNullOrWhiteSpace(css))
            {
                _writer.WriteStartTag("style");
                _writer.WriteMarkupText(css);
                _writer.WriteEndTag("style");
            }
        }

        private void Tag(HtmlTagToken tag)
        {
            var name = Name(tag);
            if (!tag.IsEndTag && DroppedWithContent.Contains(name))
            {
                if (!tag.IsEmptyElement || !ForeignRoots.Contains(name))
                {
                    (_skipping, _skipDepth) = (name, 1);
                }

                return;
            }

            if (name == "style")
            {
                _style = tag.IsEndTag ? null : new StringBuilder();
                return;
            }

            if (name == "body")
            {
                // The message's own body becomes a division of ours, keeping its colours and style.
                name = "div";
                if (!tag.IsEndTag)
                {
                    Open(name);
                    _writer.WriteAttribute("class", "message-body");
                    BodyStyle(tag);
                    return;
                }
            }

            if (!Elements.TryGetValue(name, out var attributes))
            {
                return;
            }

            if (tag.IsEndTag)
            {
                Close(name);
                return;
            }

            if (name == "img")
            {
                Image(tag, attributes);
                return;
            }

            Open(name);
            var linked = Attributes(tag, attributes);
            if (name == "a" && linked)
            {
                _writer.WriteAttribute("target", "_blank");
                _writer.WriteAttribute("rel", "noopener noreferrer");
            }
        }

        private void Image(HtmlTagToken tag, FrozenSet<string> attributes)
        {
            string? source = null;
            foreach (var attribute in tag.Attributes)
            {
                if (attribute.Name.Equals("src", StringComparison.OrdinalIgnoreCase))
                {
                    var (kept, remote) = ImageSource(attribute.Value ?? "", remoteImages, inlineImage);
                    source = kept;
                    BlockedImages += remote && kept is null ? 1 : 0;
                    break;
                }
            }

            _writer.WriteStartTag("img");
            if (source is not null)
            {
                _writer.WriteAttribute("src", source);
            }

            Attributes(tag, attributes);
        }

        // The allowed attributes of a start tag, the first of each name (as browsers take it); true
        // when a link target was written.
        private bool Attributes(HtmlTagToken tag, FrozenSet<string> allowed)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var linked = false;
            foreach (var attribute in tag.Attributes)
            {
                var name = attribute.Name.ToLowerInvariant();
                if (!seen.Add(name) || name == "src" || !(GlobalAttributes.Contains(name) || allowed.Contains(name)))
                {
                    continue;
                }

                var value = (attribute.Value ?? "").Replace('\0', '\uFFFD');
                if (name == "href")
                {
                    if (LinkTarget(value) is not { } target)
                    {
                        continue;
                    }

                    (value, linked) = (target, true);
                }
                else if (name == "style")
                {
                    value = MessageCss.Clean(value);
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        continue;
                    }
                }

                _writer.WriteAttribute(name, value);
            }

            return linked;
        }

        private void BodyStyle(HtmlTagToken tag)
        {
            var declarations = new List<string>();
            foreach (var attribute in tag.Attributes)
            {
                var value = attribute.Value ?? "";
                switch (attribute.Name.ToLowerInvariant())
                {
                    case "bgcolor" when SimpleColor().IsMatch(value):
                        declarations.Add("background-color: " + value);
                        break;
                    case "text" when SimpleColor().IsMatch(value):
                        declarations.Add("color: " + value);
                        break;
                    case "style":
                        declarations.Add(MessageCss.Clean(value));
                        break;
                }
            }

            if (declarations.Count > 0)
            {
                _writer.WriteAttribute("style", string.Join("; ", declarations));
            }
        }

        private void Open(string name)
        {
            _writer.WriteStartTag(name);
            if (!VoidElements.Contains(name))
            {
                _open.Add(name);
                _openCounts[name] = _openCounts.GetValueOrDefault(name) + 1;
            }
        }

        // Closes the innermost open element of this name and every element opened inside it, so the
        // output nests properly; an end tag with nothing to close is dropped. Each element scanned
        // here is closed, so the work stays linear in the size of the input.
        private void Close(string name)
        {
            if (_openCounts.GetValueOrDefault(name) == 0)
            {
                return;
            }

            while (_open.Count > 0)
            {
                var innermost = _open[^1];
                _open.RemoveAt(_open.Count - 1);
                _openCounts[innermost]--;
                _writer.WriteEndTag(innermost);
                if (innermost == name)
                {
                    return;
                }
            }
        }

        private static string Name(HtmlTagToken tag) => tag.Name.ToLowerInvariant();
    }
}
