namespace FedHealth.Tests.Support;

/// <summary>A schema small enough to read at a glance: a numeric and a categorical feature and a binary label.</summary>
public static class SmallSchema
{
    public const string Json = """
        {
          "name": "small",
          "columns": [ { "name": "age", "type": "number" }, { "name": "stage", "type": "category" }, { "name": "outcome", "type": "category" } ],
          "features": [
            { "name": "age", "column": "age", "center": 50, "scale": 10 },
            { "name": "stage", "column": "stage", "categories": { "I": 0, "II": 1 } }
          ],
          "label": { "kind": "binary", "column": "outcome", "positive": [ "yes" ] }
        }
        """;
}
