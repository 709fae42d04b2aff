using System.Text.Json;
using FedHealth.Contracts;

namespace FedHealth.Dashboard;

/// <summary>
/// The model file a lead downloads: JSON that names its format, the job, the model kind and size, the features in
/// input order and the weights (FedHealth's tensor payloads), so any tool can rebuild the model without the dashboard.
/// </summary>
public static class ModelDownload
{
    public const string Format = "fedhealth-model/1";

    public static IResult File(JobModel model)
    {
        var document = new
        {
            format = Format, model.JobId, model.JobName, model.Status, model.Schema, model.FeatureNames, model.Model,
            model.Round, model.Weights
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, WireJson.Options);
        var name = new string(model.JobName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return Results.File(bytes, "application/json", $"{(name.Length == 0 ? "job" : name)}-round-{model.Round}.fedhealth-model.json");
    }
}
