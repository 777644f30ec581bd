using Atom.Server.Search.Text;

namespace Atom.Server.Tests.Search.Text;

/// <summary>Synonyms widen single words as alternatives, never phrases, prefixes or exclusions, and never break the engines' syntax.</summary>
public sealed class SynonymTableTests
{
    [Fact]
    public void Groups_are_symmetric_capped_and_extended_by_configuration()
    {
        var table = new SynonymTable(["k8s, kubernetes, cluster", "BUG, glitch"]);
        Assert.Equal(["defect", "issue", "glitch"], table.Of("bug"));
        Assert.Contains("bug", table.Of("defect"));
        Assert.Equal(["kubernetes", "cluster"], table.Of("k8s"));
        Assert.Empty(table.Of("zeppelin"));
        Assert.All(new[] { "bug", "doc", "photo", "email" }, w => Assert.InRange(table.Of(w).Count, 1, SynonymTable.MaxPerWord));
    }

    [Fact]
    public void Only_single_words_asked_for_are_widened_and_multi_word_synonyms_become_phrases()
    {
        var table = new SynonymTable();
        var (query, added) = KeywordQuery.Parse("bug \"bug report\" deadl* -email todo").Expand(table.Of);

        Assert.Equal(["defect", "issue", "task", "action item"], added);
        Assert.Equal("(\"bug\" OR \"defect\" OR \"issue\") AND \"bug report\" AND \"deadl\" * AND (\"todo\" OR \"task\" OR \"action item\") NOT \"email\"", query.ToFts5());
        Assert.Equal("('bug' | 'defect' | 'issue') & ('bug' <-> 'report') & 'deadl':* & ('todo' | 'task' | ('action' <-> 'item')) & !('email')", query.ToTsQuery());
    }

    [Fact]
    public void A_relaxed_query_asks_for_any_word_and_keeps_its_exclusions()
    {
        var relaxed = KeywordQuery.Parse("copy files -remote").Relaxed();
        Assert.Equal("(\"copy\" OR \"files\") NOT \"remote\"", relaxed.ToFts5());
        var single = KeywordQuery.Parse("copy");
        Assert.Same(single, single.Relaxed());
    }

    [Fact]
    public void An_excerpt_keeps_the_start_of_a_text_and_marks_words_that_begin_with_a_query_word()
    {
        var excerpt = MarkedText.Excerpt("Deploying the new build — deployment notes follow. " + string.Join(' ', Enumerable.Repeat("word", 40)), ["deploy", "of"], maxWords: 10);
        Assert.EndsWith("…", excerpt.Text);
        Assert.Equal(["Deploying", "deployment"], excerpt.Highlights.Select(h => excerpt.Text.Substring(h.Start, h.Length)));
        Assert.Equal("short text", MarkedText.Excerpt("short text", []).Text);
    }
}
