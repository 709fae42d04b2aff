using FedHealth.Dashboard.Security.Device;

namespace FedHealth.Tests.Browser;

/// <summary>User codes: eight unambiguous letters, shown as XXXX-XXXX, read back whatever the case, dashes or spaces.</summary>
public sealed class UserCodeTests
{
    [Fact]
    public void A_code_is_eight_letters_of_the_unambiguous_alphabet_and_reads_back_however_it_is_typed()
    {
        for (var i = 0; i < 200; i++)
        {
            var code = UserCode.New();
            Assert.Equal(UserCode.Length, code.Length);
            Assert.All(code, c => Assert.Contains(c, UserCode.Alphabet));
            var shown = UserCode.Display(code);
            Assert.Matches("^[A-Z]{4}-[A-Z]{4}$", shown);
            Assert.Equal(code, UserCode.Normalize(shown));
            Assert.Equal(code, UserCode.Normalize(" " + shown.ToLowerInvariant().Replace("-", " - ") + " "));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("BCDF-GHJ")]
    [InlineData("BCDF-GHJKL")]
    [InlineData("BCDF-GHJA")] // a vowel is never in a code
    [InlineData("BCDF-GHJ1")]
    [InlineData("BCDF_GHJK")]
    public void What_cannot_be_a_code_is_no_code(string? typed) => Assert.Null(UserCode.Normalize(typed));
}
