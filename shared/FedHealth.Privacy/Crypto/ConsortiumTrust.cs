using System.Text.Json;

namespace FedHealth.Privacy.Crypto;

/// <summary>
/// Who belongs to the consortium: each site's registered signing key and the coordinator's key that masked
/// inputs are sealed for (public keys, SubjectPublicKeyInfo, base64 in the file). Coordinator and sites read
/// the same file; messages signed by anyone else are refused.
/// </summary>
public sealed record ConsortiumTrust(byte[] CoordinatorKey, IReadOnlyDictionary<string, byte[]> Sites)
{
    private sealed record FileForm(string CoordinatorKey, Dictionary<string, string> Sites);

    public static ConsortiumTrust Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: consortium trust file not found", path);
        try
        {
            var form = JsonSerializer.Deserialize<FileForm>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))
                       ?? throw new InvalidDataException($"{path}: empty");
            return new ConsortiumTrust(Convert.FromBase64String(form.CoordinatorKey),
                form.Sites.ToDictionary(p => p.Key, p => Convert.FromBase64String(p.Value)));
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentNullException)
        {
            throw new InvalidDataException($"{path}: not a consortium trust file ({e.Message})", e);
        }
    }

    /// <summary>Written beside <paramref name="path"/> and moved over it: a reader never sees half a file, and a failure leaves the old one.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var form = new FileForm(Convert.ToBase64String(CoordinatorKey), Sites.ToDictionary(p => p.Key, p => Convert.ToBase64String(p.Value)));
        var temp = path + ".new";
        File.WriteAllText(temp, JsonSerializer.Serialize(form, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Reads or creates the PEM files that hold private keys (the coordinator's sealing key, a site's signing key).</summary>
public static class KeyFiles
{
    public static System.Security.Cryptography.ECDiffieHellman LoadOrCreateAgreementKey(string path)
    {
        var key = KeyAgreement.NewKey();
        if (File.Exists(path)) key.ImportFromPem(File.ReadAllText(path));
        else WritePrivate(path, key.ExportPkcs8PrivateKeyPem());
        return key;
    }

    /// <summary>An ECDSA P-256 key (a TLS client key): loaded when the file exists, else made and written mode 600.</summary>
    public static System.Security.Cryptography.ECDsa LoadOrCreateEcdsa(string path)
    {
        var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        if (File.Exists(path)) key.ImportFromPem(File.ReadAllText(path));
        else WritePrivate(path, key.ExportPkcs8PrivateKeyPem());
        return key;
    }

    public static SigningKey LoadOrCreateIdentity(string path)
    {
        if (File.Exists(path)) return SigningKey.FromPem(File.ReadAllText(path));
        var identity = SigningKey.Create();
        WritePrivate(path, identity.PrivateKeyPem());
        return identity;
    }

    private static void WritePrivate(string path, string pem) => PemFiles.WritePrivate(path, pem);
}
