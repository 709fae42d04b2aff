namespace FedHealth.Learning.Data;

/// <summary>Local data or its declaration is unusable; the message names the file, line and column or field.</summary>
public sealed class DataException(string message) : Exception(message);
