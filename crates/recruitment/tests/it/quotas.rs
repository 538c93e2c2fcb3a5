//! The quota proposal: targets with tolerance, mins and maxes that bracket the panel size, errors
//! that name the feature, and the `features.csv` text.

use recruitment::RecruitmentError;
use recruitment::quotas::{FeatureShares, Tolerance, ValueShare, parse_shares, propose_quotas};
use recruitment::random::Stream;

fn shares(feature: &str, values: &[(&str, f64)]) -> FeatureShares {
    FeatureShares {
        feature: feature.to_string(),
        values: values
            .iter()
            .map(|&(value, share)| ValueShare {
                value: value.to_string(),
                share,
            })
            .collect(),
    }
}

#[track_caller]
fn check(census: &str, panel_size: u32, tolerance: Tolerance, expect: &str) {
    let got = parse_shares("census.csv", census)
        .and_then(|features| propose_quotas(&features, panel_size, tolerance))
        .map(|proposal| proposal.to_features_csv())
        .unwrap_or_else(|error| error.to_string());
    assert_eq!(got, expect);
}

#[test]
fn proposals_round_the_target_with_the_tolerance() {
    let census = "feature,value,share\n\
                  gender,woman,51%\n\
                  gender,man,48%\n\
                  gender,non-binary,1%\n\
                  age,16-29,0.22\n\
                  age,30-44,0.25\n\
                  age,45-64,0.32\n\
                  age,65+,0.21\n";
    // k = 40: woman 20.4 ± 2.04 -> 18..23; man 19.2 ± 1.92 -> 17..22; non-binary 0.4 ± 1 -> 0..2;
    // 16-29 8.8 ± 1 -> 7..10; 30-44 10 ± 1 -> 9..11; 45-64 12.8 ± 1.28 -> 11..15; 65+ 8.4 ± 1 -> 7..10.
    check(
        census,
        40,
        Tolerance::default(),
        "feature,value,min,max\ngender,woman,18,23\ngender,man,17,22\ngender,non-binary,0,2\nage,16-29,7,10\nage,30-44,9,11\nage,45-64,11,15\nage,65+,7,10\n",
    );
    check(
        census,
        100,
        Tolerance {
            absolute: 0,
            relative: 0.0,
        },
        "feature,value,min,max\ngender,woman,51,51\ngender,man,48,48\ngender,non-binary,1,1\nage,16-29,22,22\nage,30-44,25,25\nage,45-64,32,32\nage,65+,21,21\n",
    );
}

#[test]
fn invalid_shares_get_errors_naming_the_feature_or_the_line() {
    let header = "feature,value,share\n";
    let cases = [
        (
            "gender,woman,0.6\ngender,man,0.3\n",
            "shares of feature `gender` sum to 0.9000, not 1 (within 0.005)",
        ),
        (
            "gender,woman,1.2\ngender,man,-0.2\n",
            "share of `gender` = `woman` is 1.2, not between 0 and 1",
        ),
        (
            "gender,woman,0.5\ngender,Woman,0.5\n",
            "feature `gender` lists value `Woman` twice",
        ),
        (
            "gender,woman,half\n",
            "census.csv line 2 column 3: `half` is not a share (0.25 or 25%)",
        ),
        ("gender,,0.5\n", "census.csv line 2 column 2: empty value"),
        (
            "gender,woman\n",
            "census.csv line 2 column 3: 2 fields, the header has 3",
        ),
        ("", "no features"),
    ];
    for (rows, expect) in cases {
        check(&format!("{header}{rows}"), 30, Tolerance::default(), expect);
    }
    check(
        "feature,value\n",
        30,
        Tolerance::default(),
        "census.csv: missing column `share`",
    );
    // Within half a percent, shares are accepted (and normalised).
    check(
        &format!("{header}a,x,0.499\na,y,0.499\n"),
        10,
        Tolerance {
            absolute: 0,
            relative: 0.0,
        },
        "feature,value,min,max\na,x,5,5\na,y,5,5\n",
    );
    let features = [shares("age", &[("young", 1.0)])];
    assert_eq!(
        propose_quotas(&features, 0, Tolerance::default()),
        Err(RecruitmentError::PanelSize)
    );
    assert_eq!(
        propose_quotas(
            &features,
            5,
            Tolerance {
                absolute: 1,
                relative: 1.5
            }
        ),
        Err(RecruitmentError::BadTolerance)
    );
    assert_eq!(
        propose_quotas(
            &[
                shares("age", &[("young", 1.0)]),
                shares("Age", &[("old", 1.0)])
            ],
            5,
            Tolerance::default()
        ),
        Err(RecruitmentError::DuplicateFeature {
            feature: "Age".to_string()
        })
    );
    assert_eq!(
        propose_quotas(&[shares("age", &[])], 5, Tolerance::default()),
        Err(RecruitmentError::NoValues {
            feature: "age".to_string()
        })
    );
    assert!(matches!(
        propose_quotas(
            &[shares("age", &[("young", f64::NAN)])],
            5,
            Tolerance::default()
        ),
        Err(RecruitmentError::ShareOutOfRange { .. })
    ));
}

#[test]
fn mins_and_maxes_bracket_the_panel_size_and_the_target() {
    let mut stream = Stream::new("quota properties");
    for _ in 0..3000 {
        let values = 1 + stream.below(9) as usize;
        let raw: Vec<f64> = (0..values)
            .map(|_| (stream.below(1000) as f64) + if stream.below(4) == 0 { 0.0 } else { 1.0 })
            .collect();
        let total: f64 = raw.iter().sum::<f64>().max(1.0);
        let mut feature_values: Vec<(String, f64)> = raw
            .iter()
            .enumerate()
            .map(|(index, &weight)| (format!("v{index}"), weight / total))
            .collect();
        if raw.iter().all(|&weight| weight == 0.0) {
            feature_values[0].1 = 1.0;
        }
        let panel_size = 1 + stream.below(200) as u32;
        let tolerance = Tolerance {
            absolute: stream.below(3) as u32,
            relative: [0.0, 0.05, 0.1, 0.25][stream.below(4) as usize],
        };
        let borrowed: Vec<(&str, f64)> = feature_values
            .iter()
            .map(|(value, share)| (value.as_str(), *share))
            .collect();
        let proposal =
            propose_quotas(&[shares("f", &borrowed)], panel_size, tolerance).expect("valid shares");
        let quotas = proposal.quotas();
        let mins: u32 = quotas.iter().map(|quota| quota.min).sum();
        let maxes: u32 = quotas.iter().map(|quota| quota.max).sum();
        assert!(
            mins <= panel_size && panel_size <= maxes,
            "{mins} <= {panel_size} <= {maxes} for {quotas:?}"
        );
        for quota in quotas {
            assert!(quota.min <= quota.max && quota.max <= panel_size);
            assert!(
                quota.min as f64 <= quota.target + 1e-6 && quota.target <= quota.max as f64 + 1e-6,
                "{quota:?}"
            );
            let slack = (tolerance.absolute as f64).max(tolerance.relative * quota.target);
            assert!(
                quota.target - quota.min as f64 <= slack + 1.0 + 1e-6,
                "{quota:?} is too loose"
            );
            assert!(
                quota.max as f64 - quota.target <= slack + 1.0 + 1e-6,
                "{quota:?} is too loose"
            );
        }
    }
}

#[test]
fn feature_and_value_names_are_written_exactly_in_features_csv() {
    // `klero select` compares these names with the respondents' values, so a leading `-` or `+`
    // must survive; commas and quotes are CSV-quoted.
    let proposal = propose_quotas(
        &[shares("age", &[("-17", 0.5), ("65+, \"retired\"", 0.5)])],
        10,
        Tolerance::default(),
    )
    .expect("valid");
    assert_eq!(
        proposal.to_features_csv(),
        "feature,value,min,max\nage,-17,4,6\nage,\"65+, \"\"retired\"\"\",4,6\n"
    );
}
