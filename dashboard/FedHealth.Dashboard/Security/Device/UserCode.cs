using System.Security.Cryptography;

namespace FedHealth.Dashboard.Security.Device;

/// <summary>
/// The short code a person types on the approval page (RFC 8628 §6.1): 8 letters from 20 consonants that cannot be
/// mistaken for one another or spell words (20^8, about 2.6e10 codes), shown as XXXX-XXXX and compared ignoring case,
/// spaces and dashes.
/// </summary>
public static class UserCode
{
    public const string Alphabet = "BCDFGHJKLMNPQRSTVWXZ";
    public const int Length = 8;

    public static string New() => string.Create(Length, 0, (chars, _) =>
    {
        for (var i = 0; i < chars.Length; i++) chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
    });

    /// <summary>XXXX-XXXX, as the command line shows it.</summary>
    public static string Display(string code) => $"{code[..(Length / 2)]}-{code[(Length / 2)..]}";

    /// <summary>The code as stored (8 capitals), or null when what was typed cannot be one.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null || typed.Length > 4 * Length) return null;
        var letters = new string(typed.Where(c => c is not ('-' or ' ' or '\t')).Select(char.ToUpperInvariant).ToArray());
        return letters.Length == Length && letters.All(c => Alphabet.Contains(c)) ? letters : null;
    }
}
