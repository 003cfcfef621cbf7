using Mailroom.Server.Webmail;

namespace Mailroom.Server.Tests.Webmail;

public sealed class MessageCssTests
{
    [Theory]
    [InlineData("color: red", "color: red")]
    [InlineData("a > b { margin: 0 }", "a > b { margin: 0 }")]
    [InlineData("background: URL('https://t.example/x.png')", "background: blocked-URL('https://t.example/x.png')")]
    [InlineData("background: url  (x)", "background: blocked-url(x)")]
    [InlineData("background: \\75 rl(x)", "background: blocked-url(x)")]
    [InlineData("background: \\000075\\72\\6C(x)", "background: blocked-url(x)")]
    [InlineData("background: u/**/rl(x)", "background: u rl(x)")]
    [InlineData("background: u<rl(x)", "background: blocked-url(x)")]
    [InlineData("background: -webkit-image-set('a.png' 1x)", "background: -webkit-blocked-image-set('a.png' 1x)")]
    [InlineData("content: image('a.png')", "content: blocked-image('a.png')")]
    [InlineData("width: expression(alert(1))", "width: blocked-expression(alert(1))")]
    [InlineData("content: attr(data-x url)", "content: blocked-attr(data-x url)")]
    [InlineData("@import 'https://t.example/s.css';", "@blocked-import 'https://t.example/s.css';")]
    [InlineData("@IMPORT url(x);", "@blocked-IMPORT blocked-url(x);")]
    [InlineData("@font-face { font-family: f; src: local(x) }", "@blocked-font-face { font-family: f; src: local(x) }")]
    [InlineData("p { color: red } </style><script>", "p { color: red } /style>script>")]
    [InlineData("\\3c /style\\3e", "/style>")]
    [InlineData("x: \\\\75 rl(a)", "x: 75 rl(a)")]
    [InlineData("/* unterminated url(x)", " ")]
    [InlineData("content: \"\\201C\"", "content: \"\u201C\"")]
    public void NothingLeftCanFetchOrEndTheStyle(string css, string expected) =>
        Assert.Equal(expected, MessageCss.Clean(css));
}
