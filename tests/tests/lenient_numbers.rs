//! Numbers at the edges, as the lenient decoders document them (`runtime/src/lenient.rs`):
//! integers up to the limits of their type and refused beyond them, integral floats taken
//! as integers below 9e15, numeric strings with surrounding whitespace, exponents in
//! floats and float strings but not in integer strings, every double read back exactly
//! whether it comes as a JSON number or as a string, and string fields that keep an
//! integer's digits and a double's shortest text.
//!
//! Seeded and bounded (`CLOUDDB_FUZZ_SCALE`, `CLOUDDB_FUZZ_SEED`, as in `fuzz_signing.rs`):
//!
//! ```text
//! CLOUDDB_FUZZ_SCALE=1000 cargo test --release -p clouddb-conformance --test lenient_numbers
//! ```

use clouddb_runtime::lenient::Lenient;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

/// Cases per property in CI.
const CASES: u32 = 4_000;

fn config() -> Config {
    let scale = std::env::var("CLOUDDB_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(1);
    let seed = std::env::var("CLOUDDB_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0x5EED_2026);
    Config {
        cases: CASES.saturating_mul(scale.max(1)),
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    }
}

fn run<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let config = config();
    let cases = config.cases;
    if let Err(e) = TestRunner::new(config).run(&strategy, test) {
        panic!("{name}: {e}");
    }
    eprintln!("{name}: {cases} cases passed");
}

fn decode<T: Lenient>(json: &str) -> Result<T, String> {
    let mut de = serde_json::Deserializer::from_str(json);
    T::deserialize_lenient(&mut de).map_err(|e| e.to_string())
}

/// ASCII whitespace around a numeric string.
fn padding() -> impl Strategy<Value = (String, String)> {
    ("[ \t\n]{0,2}", "[ \t\n]{0,2}")
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string encodes")
}

#[test]
fn integers_are_read_up_to_their_limits_as_numbers_and_as_strings() {
    run(
        "integers",
        (any::<i64>(), padding()),
        |(n, (before, after))| {
            prop_assert_eq!(decode::<i64>(&n.to_string()), Ok(n));
            prop_assert_eq!(
                decode::<i64>(&quoted(&format!("{before}{n}{after}"))),
                Ok(n)
            );
            prop_assert_eq!(decode::<String>(&n.to_string()), Ok(n.to_string()));
            match i32::try_from(n) {
                Ok(small) => {
                    prop_assert_eq!(decode::<i32>(&n.to_string()), Ok(small));
                    prop_assert_eq!(decode::<i32>(&quoted(&n.to_string())), Ok(small));
                }
                Err(_) => {
                    let error = decode::<i32>(&n.to_string()).unwrap_err();
                    prop_assert!(error.contains("out of range"), "{}", error);
                    prop_assert!(decode::<i32>(&quoted(&n.to_string())).is_err());
                }
            }
            Ok(())
        },
    );
}

#[test]
fn unsigned_integers_beyond_i64_are_refused_by_integer_fields_and_kept_by_string_fields() {
    run("u64 beyond i64", (i64::MAX as u64 + 1)..=u64::MAX, |n| {
        let error = decode::<i64>(&n.to_string()).unwrap_err();
        prop_assert!(error.contains("out of range"), "{}", error);
        prop_assert!(decode::<i64>(&quoted(&n.to_string())).is_err());
        prop_assert_eq!(decode::<String>(&n.to_string()), Ok(n.to_string()));
        Ok(())
    });
}

#[test]
fn every_double_is_read_exactly_from_a_number_or_a_string() {
    let finite = any::<f64>().prop_filter("finite", |x| x.is_finite());
    run("doubles", (finite, padding()), |(x, (before, after))| {
        let text = serde_json::to_string(&x).expect("a finite double encodes");
        prop_assert_eq!(decode::<f64>(&text), Ok(x), "from the number {}", text);
        let padded = quoted(&format!("{before}{text}{after}"));
        prop_assert_eq!(decode::<f64>(&padded), Ok(x), "from the string {}", padded);
        // Rust's shortest text, which has no exponent, reads back the same too.
        prop_assert_eq!(decode::<f64>(&quoted(&x.to_string())), Ok(x));
        // A string field keeps the shortest text that reads back as the same double.
        let kept = decode::<String>(&text).expect("a string field takes a number");
        prop_assert_eq!(kept.parse::<f64>(), Ok(x), "kept {}", kept);
        prop_assert_eq!(decode::<f64>(&quoted(&kept)), Ok(x));
        // Integer fields take integral doubles below 9e15 and refuse the rest.
        let integral = x.fract() == 0.0 && x.abs() < 9.0e15;
        match decode::<i64>(&text) {
            Ok(n) => prop_assert!(integral && n as f64 == x, "{} read as {}", text, n),
            Err(e) => prop_assert!(
                !integral && e.contains("is not an integer"),
                "{}: {}",
                text,
                e
            ),
        }
        Ok(())
    });
}

#[test]
fn integral_doubles_read_as_integers_below_nine_quadrillion() {
    run(
        "integral doubles",
        -9_000_000_000_000_000i64..9_000_000_000_000_000,
        |n| {
            let text = format!("{n}.0");
            let read = decode::<i64>(&text);
            if (n as f64).abs() < 9.0e15 {
                prop_assert_eq!(read, Ok(n as f64 as i64));
            } else {
                prop_assert!(read.is_err());
            }
            let exponent = format!("{n}e0");
            prop_assert_eq!(decode::<i64>(&exponent).is_ok(), (n as f64).abs() < 9.0e15);
            // An integer string with an exponent or a fraction is not an integer.
            prop_assert!(decode::<i64>(&quoted(&exponent)).is_err());
            prop_assert!(decode::<i64>(&quoted(&text)).is_err());
            Ok(())
        },
    );
}

/// The edges written out, each with what it reads as.
#[test]
fn documented_edges() {
    assert_eq!(decode::<i64>("9223372036854775807"), Ok(i64::MAX));
    assert_eq!(decode::<i64>("-9223372036854775808"), Ok(i64::MIN));
    assert_eq!(decode::<i64>("\"-9223372036854775808\""), Ok(i64::MIN));
    assert!(decode::<i64>("9223372036854775808")
        .unwrap_err()
        .contains("out of range"));
    assert!(decode::<i64>("\"9223372036854775808\"")
        .unwrap_err()
        .contains("is not an integer"));
    assert_eq!(decode::<i32>("\"+7\""), Ok(7));
    assert_eq!(decode::<i32>("-0"), Ok(0));
    assert_eq!(decode::<i32>("-0.0"), Ok(0));
    assert!(decode::<i32>("2147483648")
        .unwrap_err()
        .contains("out of range"));
    assert!(decode::<i32>("\"0x10\"").is_err());
    assert!(decode::<i32>("\"1_000\"").is_err());
    assert!(decode::<i32>("\"\"").is_err());
    // 2^53 + 1 is read by the JSON parser as an integer, exactly.
    assert_eq!(decode::<i64>("9007199254740993"), Ok(9_007_199_254_740_993));
    assert!(decode::<i64>("9007199254740993.0").is_err());
    assert_eq!(decode::<f64>("\" 1e3 \""), Ok(1000.0));
    assert_eq!(decode::<f64>("\".5\""), Ok(0.5));
    for refused in [
        "\"NaN\"",
        "\"inf\"",
        "\"-Infinity\"",
        "\"1e400\"",
        "1e400",
        "\"\"",
        "\"1,5\"",
    ] {
        assert!(decode::<f64>(refused).is_err(), "{refused}");
    }
    // Beyond 64 bits, an integer is a double: integer fields refuse it, string fields keep
    // the double's shortest text (17 significant digits), not every digit.
    assert!(decode::<i64>("123456789012345678901234567890").is_err());
    assert_eq!(
        decode::<String>("123456789012345678901234567890"),
        Ok("1.2345678901234568e+29".to_owned())
    );
    // A float is kept as the shortest text of its double, not as it was written.
    assert_eq!(decode::<String>("1.50"), Ok("1.5".to_owned()));
    assert_eq!(decode::<String>("1e2"), Ok("100.0".to_owned()));
    assert_eq!(decode::<bool>("\" TRUE \""), Ok(true));
    assert!(decode::<bool>("\"1\"").is_err());
    assert!(decode::<bool>("1").is_err());
}
