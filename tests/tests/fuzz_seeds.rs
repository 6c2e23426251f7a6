//! Every seed of the shared fuzz target through `read_file` and
//! `analyze`: no panic, and the server's check accepts every profile the
//! analysis forms. The fuzz target runs the same harness on mutated seeds.

use std::path::Path;

include!("../../shared/fuzz/harness.rs");

#[test]
fn fuzz_seeds_analyze_cleanly() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fuzz/seeds");
    let entries = std::fs::read_dir(&seeds)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", seeds.display()));
    let mut count = 0;
    for entry in entries {
        let path = entry.expect("cannot read a seed folder entry").path();
        let data = std::fs::read(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        // Each seed runs with every rotation of the mapping, not only the
        // one its first byte chooses.
        for rotation in 0..8u8 {
            let mut input = data.clone();
            if let Some(selector) = input.first_mut() {
                *selector = (*selector & 0b1_1111) | (rotation << 5);
            }
            run_input(&input);
        }
        count += 1;
    }
    assert!(
        count > 20,
        "expected the case seeds in {}, found {count}",
        seeds.display()
    );
}
