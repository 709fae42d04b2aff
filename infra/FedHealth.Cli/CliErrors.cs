namespace FedHealth.Cli;

/// <summary>
/// How a command reports what a user can fix (a bad argument, a file that is missing or not what it should be, a
/// database that refuses): one `error: ...` line on standard error and exit code 2, never a stack trace.
/// </summary>
public static class CliErrors
{
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 2;
    }

    public static int Guarded(Func<int> run)
    {
        try { return run(); }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException
                                      or System.Data.Common.DbException or System.Security.Cryptography.CryptographicException
                                      or FedHealth.Privacy.Enrolment.EnrolmentException)
        {
            return Fail(e.Message);
        }
    }
}
