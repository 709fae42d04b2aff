// Unit tests run in parallel, one test class per core; the classes that train with libtorch share one collection
// (TorchCollection), since libtorch's random generator is global to the process.
[assembly: Xunit.CollectionBehavior(Xunit.CollectionBehavior.CollectionPerClass)]
