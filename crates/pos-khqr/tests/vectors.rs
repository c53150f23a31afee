//! The public conformance vectors (produced by running the official SDK) pass 100 %
//! through the same runner as `khqr-pos qr conformance`.

#[test]
fn every_public_vector_conforms_to_the_official_sdk() {
    let jsonl = include_str!("vectors/vectors-public.jsonl");
    let report = pos_khqr::conformance::run(jsonl);
    assert!(report.all_passed(), "{report}");
    assert_eq!(report.passed, 205);
}
