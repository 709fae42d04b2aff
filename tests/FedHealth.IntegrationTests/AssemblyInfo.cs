// Integration tests start real processes and brokers; running classes one after another keeps them within CI's two cores.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
