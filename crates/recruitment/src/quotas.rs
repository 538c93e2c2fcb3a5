//! The quota proposal: from population shares per feature value (for example from a census) and a
//! panel size, propose a minimum and maximum per value around the proportional target, written as
//! the `features.csv` that `klero select` reads.

use crate::RecruitmentError;

/// One value of a feature and its share of the population, in [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct ValueShare {
    /// The value's name (`18-29`).
    pub value: String,
    /// Its share of the population.
    pub share: f64,
}

/// A feature (`age`) and the population shares of its values.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureShares {
    /// The feature's name.
    pub feature: String,
    /// Its values; their shares sum to 1 within 0.005.
    pub values: Vec<ValueShare>,
}

/// How far the min and max may be from the target: `± max(absolute, relative · target)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// The smallest allowed distance, in people.
    pub absolute: u32,
    /// The allowed distance as a fraction of the target, in [0, 1].
    pub relative: f64,
}

impl Default for Tolerance {
    /// `± max(1, 10% of the target)`.
    fn default() -> Tolerance {
        Tolerance {
            absolute: 1,
            relative: 0.10,
        }
    }
}

/// The proposed quota for one value.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposedQuota {
    /// The feature's name.
    pub feature: String,
    /// The value's name.
    pub value: String,
    /// The population share (as given).
    pub share: f64,
    /// The proportional target: panel size times the share (shares normalised to sum to 1).
    pub target: f64,
    /// The proposed minimum.
    pub min: u32,
    /// The proposed maximum.
    pub max: u32,
}

/// A quota proposal for a panel size.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaProposal {
    panel_size: u32,
    quotas: Vec<ProposedQuota>,
}

impl QuotaProposal {
    /// The panel size it was made for.
    pub fn panel_size(&self) -> u32 {
        self.panel_size
    }

    /// The quotas, feature by feature in the given order.
    pub fn quotas(&self) -> &[ProposedQuota] {
        &self.quotas
    }

    /// The proposal as a `features.csv` text (`feature,value,min,max`), as read by `klero select`.
    ///
    /// Names are written exactly (CSV-quoted where needed), not prefixed against formula injection
    /// like the mail merge: `klero select` matches them against the respondents' values, and they
    /// come from the organisers, not from the public.
    pub fn to_features_csv(&self) -> String {
        let io = "writing CSV to memory cannot fail";
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(["feature", "value", "min", "max"])
            .expect(io);
        for quota in &self.quotas {
            let (min, max) = (quota.min.to_string(), quota.max.to_string());
            writer
                .write_record([quota.feature.as_str(), quota.value.as_str(), &min, &max])
                .expect(io);
        }
        String::from_utf8(writer.into_inner().expect(io)).expect("CSV of UTF-8 fields is UTF-8")
    }
}

/// Proposes min and max per value.
///
/// For each value, `target = k · share / Σ shares` (the shares of the feature, so they sum to 1
/// exactly), `tolerance = max(absolute, relative · target)`, `min = floor(target − tolerance)`
/// (at least 0) and `max = ceil(target + tolerance)` (at most k), where targets are first rounded
/// to 9 decimals so that float noise does not move a whole number.
/// For every feature the mins then sum to at most k and the maxes to at least k; should float
/// rounding break that, the largest min is lowered (or the smallest max raised) one at a time.
pub fn propose_quotas(
    features: &[FeatureShares],
    panel_size: u32,
    tolerance: Tolerance,
) -> Result<QuotaProposal, RecruitmentError> {
    if panel_size == 0 {
        return Err(RecruitmentError::PanelSize);
    }
    if !(0.0..=1.0).contains(&tolerance.relative) {
        return Err(RecruitmentError::BadTolerance);
    }
    if features.is_empty() {
        return Err(RecruitmentError::NoFeatures);
    }
    validate(features)?;
    let k = panel_size as f64;
    let mut quotas = Vec::new();
    for feature in features {
        let sum: f64 = feature.values.iter().map(|value| value.share).sum();
        let start = quotas.len();
        for value in &feature.values {
            let target = if sum > 0.0 {
                (k * value.share / sum * 1e9).round() / 1e9
            } else {
                0.0
            };
            let slack = (tolerance.absolute as f64).max(tolerance.relative * target);
            let min = (target - slack).floor().max(0.0) as u32;
            let max = ((target + slack).ceil().min(k) as u32).max(min);
            quotas.push(ProposedQuota {
                feature: feature.feature.clone(),
                value: value.value.clone(),
                share: value.share,
                target,
                min,
                max,
            });
        }
        let block = &mut quotas[start..];
        while block.iter().map(|quota| quota.min).sum::<u32>() > panel_size {
            let largest = (0..block.len())
                .max_by_key(|&index| (block[index].min, std::cmp::Reverse(index)))
                .expect("a feature has values");
            block[largest].min -= 1;
        }
        while block.iter().map(|quota| quota.max).sum::<u32>() < panel_size {
            let smallest = (0..block.len())
                .min_by_key(|&index| (block[index].max, index))
                .expect("a feature has values");
            block[smallest].max += 1;
        }
    }
    Ok(QuotaProposal { panel_size, quotas })
}

fn validate(features: &[FeatureShares]) -> Result<(), RecruitmentError> {
    for (index, feature) in features.iter().enumerate() {
        let name = feature.feature.trim();
        if name.is_empty() {
            return Err(RecruitmentError::EmptyName {
                feature: String::new(),
            });
        }
        if features[..index]
            .iter()
            .any(|earlier| earlier.feature.trim().eq_ignore_ascii_case(name))
        {
            return Err(RecruitmentError::DuplicateFeature {
                feature: name.to_string(),
            });
        }
        if feature.values.is_empty() {
            return Err(RecruitmentError::NoValues {
                feature: name.to_string(),
            });
        }
        let mut sum = 0.0;
        for (value_index, value) in feature.values.iter().enumerate() {
            let value_name = value.value.trim();
            if value_name.is_empty() {
                return Err(RecruitmentError::EmptyName {
                    feature: name.to_string(),
                });
            }
            if feature.values[..value_index]
                .iter()
                .any(|earlier| earlier.value.trim().eq_ignore_ascii_case(value_name))
            {
                return Err(RecruitmentError::DuplicateValue {
                    feature: name.to_string(),
                    value: value_name.to_string(),
                });
            }
            if !value.share.is_finite() || !(0.0..=1.0).contains(&value.share) {
                return Err(RecruitmentError::ShareOutOfRange {
                    feature: name.to_string(),
                    value: value_name.to_string(),
                    share: value.share,
                });
            }
            sum += value.share;
        }
        if (sum - 1.0).abs() > 0.005 {
            return Err(RecruitmentError::SharesDoNotSumToOne {
                feature: name.to_string(),
                sum,
            });
        }
    }
    Ok(())
}

/// Parses population shares from CSV text with the header `feature,value,share` (names matched
/// case-insensitively); a share is a fraction (`0.25`) or a percentage (`25%`).
/// Errors name the file, the line and the column.
pub fn parse_shares(file: &str, text: &str) -> Result<Vec<FeatureShares>, RecruitmentError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = crate::addresses::LineCounter::new(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|error| crate::addresses::csv_error(file, &error, &mut lines))?
        .clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|column| {
                column
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(name)
            })
            .ok_or_else(|| RecruitmentError::MissingColumn {
                file: file.to_string(),
                column: name.to_string(),
            })
    };
    let (feature_column, value_column, share_column) =
        (find("feature")?, find("value")?, find("share")?);
    let needed = feature_column.max(value_column).max(share_column) + 1;
    let mut features: Vec<FeatureShares> = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|error| crate::addresses::csv_error(file, &error, &mut lines))?;
        let line = record
            .position()
            .map_or(0, |position| lines.line_at(position.byte()));
        let bad = |column: usize, message: String| RecruitmentError::BadField {
            file: file.to_string(),
            line,
            column: column + 1,
            message,
        };
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        if record.len() < needed {
            return Err(bad(
                record.len(),
                format!("{} fields, the header has {}", record.len(), header.len()),
            ));
        }
        let feature = record[feature_column].trim();
        let value = record[value_column].trim();
        if feature.is_empty() {
            return Err(bad(feature_column, "empty feature".to_string()));
        }
        if value.is_empty() {
            return Err(bad(value_column, "empty value".to_string()));
        }
        let share_text = record[share_column].trim();
        let share = match share_text.strip_suffix('%') {
            Some(percent) => percent.trim().parse::<f64>().map(|number| number / 100.0),
            None => share_text.parse::<f64>(),
        }
        .ok()
        .filter(|share| share.is_finite())
        .ok_or_else(|| {
            bad(
                share_column,
                format!("`{share_text}` is not a share (0.25 or 25%)"),
            )
        })?;
        match features
            .iter_mut()
            .find(|existing| existing.feature == feature)
        {
            Some(existing) => existing.values.push(ValueShare {
                value: value.to_string(),
                share,
            }),
            None => features.push(FeatureShares {
                feature: feature.to_string(),
                values: vec![ValueShare {
                    value: value.to_string(),
                    share,
                }],
            }),
        }
    }
    Ok(features)
}
