namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>
/// A test on the real GloVe vectors: it runs when <c>ATOM_TEST_GLOVE</c> names the converted file (./build.sh test sets it,
/// via tests/scripts/glove.sh), and is skipped with the reason otherwise, since fetching 118 MB is not a unit test's job.
/// </summary>
public sealed class GloveFactAttribute : FactAttribute
{
    public GloveFactAttribute()
    {
        if (TestGlove.Path is null)
        {
            Skip = "ATOM_TEST_GLOVE is not set to a converted GloVe file (tests/scripts/glove.sh artifacts/glove/glove-100d.bin makes one; ./build.sh test does)";
        }
    }
}
