using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Learning;

/// <summary>Multiclass and regression labels as a schema declares them, and the models whose outputs must fit them.</summary>
public sealed class TaskLabelTests : IDisposable
{
    private readonly TempFolder temp = new();

    private static DataSchema Schema(LabelDefinition label, string labelType = "category") => new()
    {
        Name = "toy",
        Columns = [new ColumnDeclaration { Name = "x", Type = "number" }, new ColumnDeclaration { Name = "y", Type = labelType }],
        Features = [new FeatureDefinition { Name = "x", Column = "x" }],
        Label = label,
    };

    private static readonly LabelDefinition Digits = new() { Kind = LabelDefinition.Multiclass, Column = "y", Classes = ["low", "mid", "high"] };

    [Fact]
    public void A_multiclass_label_is_the_index_of_its_declared_class()
    {
        var data = SchemaReader.Read(temp.File("m.csv", "x,y\n1,high\n2,low\n3,mid\n4,low\n"), Schema(Digits));
        Assert.Equal([2f, 0f, 1f, 0f], data.Labels);
        Assert.Equal(new LabelTask(ModelTasks.Multiclass, 3), data.LabelTask);
    }

    [Fact]
    public void A_multiclass_value_outside_the_declared_classes_is_refused_naming_the_file_row_and_column()
    {
        var csv = temp.File("m.csv", "x,y\n1,high\n2,extreme\n");
        var e = Assert.Throws<DataException>(() => SchemaReader.Read(csv, Schema(Digits)));
        Assert.StartsWith($"{csv}: line 3, column 'y'", e.Message);
        Assert.EndsWith("'extreme' is not one of the label's classes (declared: low, mid, high)", e.Message);
    }

    [Fact]
    public void A_regression_label_is_standardised_as_declared_and_a_row_without_one_is_left_out()
    {
        var label = new LabelDefinition { Kind = LabelDefinition.Regression, Column = "y", Center = 100, Scale = 20 };
        var data = SchemaReader.Read(temp.File("r.csv", "x,y\n1,140\n2,NA\n3,90\n"), Schema(label, "number"));
        Assert.Equal([2f, -0.5f], data.Labels);
        Assert.Equal([1f, 3f], data.Features);
        Assert.Equal(90, data.LabelTask.Unscaled(data.Labels[1]), 6);
    }

    [Theory]
    [InlineData("two classes", "label.classes: a multiclass label lists its classes, at least 3 (got 2; 2 classes is a binary label)")]
    [InlineData("a class twice", "label.classes: 'a' is listed twice")]
    [InlineData("a text regression label", "label.column: 'y' is a category column; a regression label is a number")]
    [InlineData("a zero scale", "label.scale: must be a finite non-zero number")]
    [InlineData("an unknown kind", "label.kind: 'ordinal' is not one of binary, eventWithin, survival, multiclass, regression")]
    public void A_schema_whose_label_cannot_work_is_refused_naming_the_field(string what, string problem)
    {
        var (label, type) = what switch
        {
            "two classes" => (Classes("a", "b"), "category"),
            "a class twice" => (Classes("a", "b", "a"), "category"),
            "a text regression label" => (new LabelDefinition { Kind = LabelDefinition.Regression, Column = "y" }, "category"),
            "a zero scale" => (new LabelDefinition { Kind = LabelDefinition.Regression, Column = "y", Scale = 0 }, "number"),
            "an unknown kind" => (new LabelDefinition { Kind = "ordinal", Column = "y" }, "number"),
            _ => throw new ArgumentException(what),
        };
        Assert.Contains(problem, SchemaFile.Problems(Schema(label, type)));
    }

    [Fact]
    public void A_multiclass_preset_ends_in_one_output_per_class_and_a_declared_network_of_another_width_is_refused_naming_its_last_layer()
    {
        var logistic = Architecture.Resolve(new ModelSpec { Kind = ModelKinds.Logistic, Features = 4, Task = ModelTasks.Multiclass, Classes = 10 });
        Assert.Equal([10], logistic.Output);
        Assert.Equal(50, logistic.Layout.TotalCount);
        var mlp = Architecture.Resolve(new ModelSpec { Kind = ModelKinds.Mlp, Features = 4, HiddenUnits = 8, Task = ModelTasks.Multiclass, Classes = 3 });
        Assert.Equal(8 * 4 + 8 + 8 * 3 + 3, mlp.Layout.TotalCount);
        Assert.Equal([1], Architecture.Resolve(new ModelSpec { Kind = ModelKinds.Mlp, Features = 4, Task = ModelTasks.Regression }).Output);

        var declared = new ModelSpec
        {
            Kind = ModelKinds.Declared, Features = 4, Task = ModelTasks.Multiclass, Classes = 3,
            Layers = [new LayerSpec { Kind = "linear", Units = 8 }, new LayerSpec { Kind = "relu" }, new LayerSpec { Kind = "linear", Units = 4 }],
        };
        Assert.Equal("the network ends in shape [4] at layer 2 (linear); a multiclass label of 3 classes (one logit per class) needs [3] " +
            "(end with a linear layer of 3 units)", Assert.Throws<ArchitectureException>(() => Architecture.Resolve(declared)).Message);
        Assert.Equal("a multiclass model needs classes, 3 to 1000 (the schema's label classes), got none",
            Assert.Throws<ArchitectureException>(() => Architecture.Resolve(declared with { Classes = null })).Message);
        Assert.Equal("classes is for a multiclass model; a regression model has one output",
            Assert.Throws<ArchitectureException>(() => Architecture.Resolve(declared with { Task = ModelTasks.Regression })).Message);
    }

    [Fact]
    public void A_site_declines_a_model_of_another_task_or_another_number_of_classes_naming_both()
    {
        var data = SchemaReader.Read(temp.File("m.csv", "x,y\n1,high\n2,low\n3,mid\n"), Schema(Digits));
        var spec = new ModelSpec { Kind = ModelKinds.Logistic, Features = 1, Task = ModelTasks.Multiclass, Classes = 3 };
        Assert.Null(FedHealth.SiteAgent.SiteModels.TaskProblem(spec, data));
        Assert.Equal("the job's model predicts 4 classes, and this site's label has 3",
            FedHealth.SiteAgent.SiteModels.TaskProblem(spec with { Classes = 4 }, data));
        Assert.Equal("the job's model predicts regression, and this site's label is multiclass",
            FedHealth.SiteAgent.SiteModels.TaskProblem(spec with { Task = ModelTasks.Regression, Classes = null }, data));
    }

    private static LabelDefinition Classes(params string[] classes) => new() { Kind = LabelDefinition.Multiclass, Column = "y", Classes = classes };

    public void Dispose() => temp.Dispose();
}
