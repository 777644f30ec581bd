namespace Atom.Server.Search.Text;

/// <summary>
/// Words that mean the same in a workplace's conversations, which a query is widened with: someone looking for the
/// "bug" means the "defect" and the "issue" too. Groups are symmetric. A small built-in English set covers the words
/// teams use for their work; <c>Atom:Search:Synonyms</c> adds a tenant's own jargon (each entry a comma-separated group).
/// </summary>
public sealed class SynonymTable
{
    /// <summary>The most synonyms a word is widened with: more would drown the word itself.</summary>
    public const int MaxPerWord = 4;

    private static readonly string[] BuiltIn =
    [
        "bug, defect, issue",
        "error, failure, fault",
        "crash, outage, downtime",
        "meeting, call, sync",
        "doc, document, documentation",
        "docs, documents, documentation",
        "spec, specification",
        "pic, picture, photo, image",
        "photo, picture, image",
        "invoice, bill",
        "deadline, due date",
        "budget, spending",
        "customer, client",
        "employee, staff",
        "manager, lead",
        "holiday, vacation, leave",
        "sick, ill",
        "salary, pay, wage",
        "hire, recruit",
        "ship, release, launch",
        "deploy, rollout, release",
        "fix, patch, repair",
        "delete, remove",
        "start, begin",
        "end, finish",
        "big, large",
        "small, little",
        "fast, quick",
        "slow, sluggish",
        "buy, purchase",
        "sell, sale",
        "car, automobile",
        "laptop, notebook",
        "phone, mobile",
        "email, e-mail, mail",
        "login, sign-in, log in",
        "logout, sign-out, log out",
        "password, passphrase",
        "roadmap, plan",
        "postmortem, retrospective, retro",
        "kickoff, kick-off",
        "schedule, calendar",
        "question, query",
        "answer, reply, response",
        "report, summary",
        "cost, price",
        "revenue, income, sales",
        "profit, earnings",
        "contract, agreement",
        "office, workplace",
        "todo, task, action item",
    ];

    private readonly Dictionary<string, List<string>> synonyms = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="SynonymTable"/> class with the built-in groups and some more.</summary>
    /// <param name="extraGroups">More groups, each "word, word, a phrase".</param>
    public SynonymTable(IEnumerable<string>? extraGroups = null)
    {
        foreach (var group in BuiltIn.Concat(extraGroups ?? []))
        {
            var words = group.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(w => w.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
            foreach (var word in words.Where(w => !w.Contains(' ', StringComparison.Ordinal)))
            {
                if (!synonyms.TryGetValue(word, out var list))
                {
                    synonyms[word] = list = [];
                }

                list.AddRange(words.Where(w => w != word && !list.Contains(w)));
            }
        }
    }

    /// <summary>Gets the synonyms of a lower-case word, at most <see cref="MaxPerWord"/>.</summary>
    /// <param name="word">The word.</param>
    /// <returns>Its synonyms; none when it has none.</returns>
    public IReadOnlyList<string> Of(string word) =>
        synonyms.TryGetValue(word, out var list) ? (list.Count > MaxPerWord ? list[..MaxPerWord] : list) : [];
}
