using Atom.Server.Search.Text;

namespace Atom.Server.Tests.Search.Text;

public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("The meeting is moved to Thursday and the budget is not final yet.", "english")]
    [InlineData("Die Besprechung ist auf Donnerstag verschoben und das Budget ist noch nicht fertig.", "german")]
    [InlineData("La réunion est déplacée à jeudi et le budget n'est pas encore prêt pour nous.", "french")]
    [InlineData("La reunión se mueve al jueves y el presupuesto no está listo para el equipo.", "spanish")]
    [InlineData("La riunione è spostata a giovedì e il bilancio non è ancora pronto per il team.", "italian")]
    [InlineData("A reunião foi movida para quinta e o orçamento não está pronto para a equipe.", "portuguese")]
    [InlineData("De vergadering is verplaatst naar donderdag en het budget is nog niet klaar.", "dutch")]
    [InlineData("Mötet är flyttat till torsdag och budgeten är inte klar för oss.", "swedish")]
    [InlineData("Встреча перенесена на четверг, и бюджет ещё не готов, но это не страшно.", "russian")]
    [InlineData("会議は木曜日に移動しました。予算はまだ確定していません。", "simple")]
    [InlineData("预算还没有最终确定", "simple")]
    [InlineData("", "simple")]
    [InlineData("12345 67.89", "simple")]
    [InlineData("Q3-roadmap.pdf", "english")]
    public void The_language_decides_the_stemming(string text, string expected) => Assert.Equal(expected, LanguageDetector.Detect(text));

    [Fact]
    public void Every_answer_is_a_configuration_postgres_has() =>
        Assert.Equal(["english", "german", "french", "spanish", "italian", "portuguese", "dutch", "swedish", "russian", "simple"], LanguageDetector.Languages);
}
