import RigorSpec
import Testing

@Suite struct MetricKeyTests {
    @Test(arguments: [
        ("ȳ_long", "ybar_long"),
        ("**Brier score (BSS)**", "brier_score"),
        ("sum_ȳ", "sum_ybar"),
        ("x\u{0304}", "xbar"),
        ("Val Sortino ratio", "val_sortino_ratio"),
        ("N_samples", "n_samples"),
        ("`val_loss`", "val_loss"),
        ("Δ accuracy", "delta_accuracy"),
        ("Explained variance (at 1M, 3M, 5M)", "explained_variance"),
        ("Positive val episodes (count/total)", "positive_val_episodes"),
    ])
    func normalises(name: String, key: String) {
        #expect(MetricKey.normalize(name) == key)
    }

    @Test func parentheticalOnlyNameIsKept() {
        #expect(MetricKey.normalize("(BSS)") == "bss")
    }
}
