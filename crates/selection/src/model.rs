//! The selection problem as typed data (pool, features with quotas, panel size) and its parsing
//! from CSV *text* (the caller reads the files; this module never does IO).

use crate::SelectionError;
use std::collections::HashMap;

/// One value of a feature with its quota: the panel must contain between `min` and `max`
/// people with this value; a suggested relaxation may go down to `min_flex` and up to `max_flex`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// The value as written in the features file.
    pub value: String,
    /// Lower quota (inclusive).
    pub min: u32,
    /// Upper quota (inclusive).
    pub max: u32,
    /// Lowest value a relaxation may give `min`.
    pub min_flex: u32,
    /// Highest value a relaxation may give `max`.
    pub max_flex: u32,
}

/// A feature (category) such as gender, with one quota per value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// Feature name as written in the features file.
    pub name: String,
    /// Quotas, in file order.
    pub quotas: Vec<Quota>,
}

/// A pool member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The id from the id column.
    pub id: String,
    /// For each feature (in feature order), the index of this person's value in that feature's quotas.
    pub values: Vec<usize>,
    /// Household key (the exact contents of the household columns), if household columns are used
    /// and at least one of them is non-empty.
    pub household: Option<String>,
}

/// A complete selection problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// Features with quotas.
    pub features: Vec<Feature>,
    /// The pool, in file order (the order is part of the canonical input).
    pub people: Vec<Person>,
    /// Number of people on the panel, including those already selected.
    pub panel_size: usize,
    /// Indices (into `people`) of people already on the panel (replacements mode), sorted.
    pub already_selected: Vec<usize>,
}

/// The people table as read from CSV: its header and raw rows (to carry other columns through)
/// plus the typed persons.
#[derive(Debug, Clone)]
pub struct PeopleTable {
    /// Header fields in file order.
    pub header: Vec<String>,
    /// Raw rows, same order as `people`.
    pub rows: Vec<Vec<String>>,
    /// Typed persons.
    pub people: Vec<Person>,
}

fn norm(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Maps the byte offsets that the `csv` crate reports to the 1-based line numbers an editor shows.
///
/// The `csv` crate's own line count skips blank lines, and the offset of a record is where it started
/// reading, before the blank lines it skipped; so line ends at the offset are stepped over, then the
/// newlines before it are counted.
pub struct LineIndex<'a> {
    text: &'a [u8],
    newlines: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the newlines of `text`.
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let text = text.as_bytes();
        LineIndex {
            text,
            newlines: text
                .iter()
                .enumerate()
                .filter(|(_, byte)| **byte == b'\n')
                .map(|(at, _)| at)
                .collect(),
        }
    }

    /// The 1-based line on which the record starting at `offset` stands.
    pub fn line(&self, offset: u64) -> u64 {
        let mut offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while offset < self.text.len() && matches!(self.text[offset], b'\n' | b'\r') {
            offset += 1;
        }
        self.newlines.partition_point(|&newline| newline < offset) as u64 + 1
    }
}

fn csv_error(file: &str, lines: &LineIndex<'_>, error: csv::Error) -> SelectionError {
    let line = error
        .position()
        .map(|position| lines.line(position.byte()))
        .unwrap_or(0);
    SelectionError::CsvSyntax {
        file: file.to_string(),
        line,
        message: error.to_string(),
    }
}

/// A CSV header and its records, each with its line number.
type Records = (Vec<String>, Vec<(u64, Vec<String>)>);

fn read_records(file: &str, text: &str) -> Result<Records, SelectionError> {
    let lines = LineIndex::new(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|error| csv_error(file, &lines, error))?
        .iter()
        .map(|field| field.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| csv_error(file, &lines, error))?;
        let line = record
            .position()
            .map(|position| lines.line(position.byte()))
            .unwrap_or(0);
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        records.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok((header, records))
}

fn find_column(header: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|name| header.iter().position(|column| norm(column) == *name))
}

fn parse_count(
    file: &str,
    line: u64,
    column: usize,
    field: &str,
    text: &str,
) -> Result<u32, SelectionError> {
    text.trim()
        .parse::<u32>()
        .map_err(|_| SelectionError::BadNumber {
            file: file.to_string(),
            line,
            column: column as u64 + 1,
            field: field.to_string(),
            value: text.to_string(),
        })
}

/// Parses a features file (`feature,value,min,max[,min_flex,max_flex]`; the older
/// `category,name,min,max` header is accepted too). `panel_size` is the default `max_flex`.
pub fn parse_features(
    file: &str,
    text: &str,
    panel_size: usize,
) -> Result<Vec<Feature>, SelectionError> {
    let (header, records) = read_records(file, text)?;
    let missing = |column: &str| SelectionError::MissingColumn {
        file: file.to_string(),
        column: column.to_string(),
    };
    let feature_column =
        find_column(&header, &["feature", "category"]).ok_or_else(|| missing("feature"))?;
    let value_names: &[&str] = if norm(&header[feature_column]) == "category" {
        &[
            "value",
            "name",
            "category value",
            "category_value",
            "category-value",
            "feature",
        ]
    } else {
        &[
            "value",
            "name",
            "category value",
            "category_value",
            "category-value",
        ]
    };
    let value_column = find_column(&header, value_names).ok_or_else(|| missing("value"))?;
    let min_column = find_column(&header, &["min"]).ok_or_else(|| missing("min"))?;
    let max_column = find_column(&header, &["max"]).ok_or_else(|| missing("max"))?;
    let min_flex_column = find_column(&header, &["min_flex"]);
    let max_flex_column = find_column(&header, &["max_flex"]);
    let mut features: Vec<Feature> = Vec::new();
    for (line, record) in records {
        let name = record[feature_column].trim().to_string();
        let value = record[value_column].trim().to_string();
        if name.is_empty() || value.is_empty() {
            let column = if name.is_empty() {
                feature_column
            } else {
                value_column
            };
            return Err(SelectionError::EmptyField {
                file: file.to_string(),
                line,
                column: column as u64 + 1,
            });
        }
        let min = parse_count(file, line, min_column, "min", &record[min_column])?;
        let max = parse_count(file, line, max_column, "max", &record[max_column])?;
        let flex =
            |column: Option<usize>, field: &str, default: u32| -> Result<u32, SelectionError> {
                match column {
                    Some(column) if !record[column].trim().is_empty() => {
                        parse_count(file, line, column, field, &record[column])
                    }
                    _ => Ok(default),
                }
            };
        let min_flex = flex(min_flex_column, "min_flex", 0)?;
        let max_flex = flex(max_flex_column, "max_flex", (panel_size as u32).max(max))?;
        if min > max || min_flex > min || max_flex < max {
            return Err(SelectionError::BadQuota {
                file: file.to_string(),
                line,
                feature: name,
                value,
                min,
                max,
                min_flex,
                max_flex,
            });
        }
        let index = match features
            .iter()
            .position(|feature| norm(&feature.name) == norm(&name))
        {
            Some(index) => index,
            None => {
                features.push(Feature {
                    name: name.clone(),
                    quotas: Vec::new(),
                });
                features.len() - 1
            }
        };
        if features[index]
            .quotas
            .iter()
            .any(|quota| norm(&quota.value) == norm(&value))
        {
            return Err(SelectionError::DuplicateQuota {
                file: file.to_string(),
                line,
                feature: name,
                value,
            });
        }
        features[index].quotas.push(Quota {
            value,
            min,
            max,
            min_flex,
            max_flex,
        });
    }
    if features.is_empty() {
        return Err(SelectionError::NoFeatures {
            file: file.to_string(),
        });
    }
    Ok(features)
}

/// Parses a people file: an id column, one column per feature, optional household columns;
/// other columns are kept in the returned table.
pub fn parse_people(
    file: &str,
    text: &str,
    features: &[Feature],
    id_column: &str,
    household_columns: &[String],
) -> Result<PeopleTable, SelectionError> {
    let (header, records) = read_records(file, text)?;
    let missing = |column: &str| SelectionError::MissingColumn {
        file: file.to_string(),
        column: column.to_string(),
    };
    let id_index =
        find_column(&header, &[norm(id_column).as_str()]).ok_or_else(|| missing(id_column))?;
    let feature_indices = features
        .iter()
        .map(|feature| {
            find_column(&header, &[norm(&feature.name).as_str()])
                .ok_or_else(|| missing(&feature.name))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let household_indices = household_columns
        .iter()
        .map(|column| find_column(&header, &[norm(column).as_str()]).ok_or_else(|| missing(column)))
        .collect::<Result<Vec<_>, _>>()?;
    let lookups: Vec<HashMap<String, usize>> = features
        .iter()
        .map(|feature| {
            feature
                .quotas
                .iter()
                .enumerate()
                .map(|(index, quota)| (norm(&quota.value), index))
                .collect()
        })
        .collect();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut people = Vec::with_capacity(records.len());
    let mut rows = Vec::with_capacity(records.len());
    for (line, record) in records {
        let id = record[id_index].trim().to_string();
        if id.is_empty() {
            return Err(SelectionError::EmptyField {
                file: file.to_string(),
                line,
                column: id_index as u64 + 1,
            });
        }
        if let Some(first_line) = seen.insert(id.clone(), line) {
            return Err(SelectionError::DuplicateId {
                file: file.to_string(),
                line,
                id,
                first_line,
            });
        }
        let mut values = Vec::with_capacity(features.len());
        for (feature_index, &column) in feature_indices.iter().enumerate() {
            let raw = &record[column];
            let value = *lookups[feature_index].get(&norm(raw)).ok_or_else(|| {
                SelectionError::UnknownValue {
                    file: file.to_string(),
                    line,
                    column: column as u64 + 1,
                    feature: features[feature_index].name.clone(),
                    value: raw.to_string(),
                }
            })?;
            values.push(value);
        }
        let household = if household_indices.is_empty()
            || household_indices
                .iter()
                .all(|&column| record[column].trim().is_empty())
        {
            None
        } else {
            Some(
                household_indices
                    .iter()
                    .map(|&column| record[column].as_str())
                    .collect::<Vec<_>>()
                    .join("\u{1f}"),
            )
        };
        people.push(Person {
            id,
            values,
            household,
        });
        rows.push(record);
    }
    Ok(PeopleTable {
        header,
        rows,
        people,
    })
}

/// Parses an already-selected file: a CSV whose id column (named `id_column`, or the first column)
/// lists people of the pool. Returns sorted pool indices.
pub fn parse_already_selected(
    file: &str,
    text: &str,
    people: &[Person],
    id_column: &str,
) -> Result<Vec<usize>, SelectionError> {
    let (header, records) = read_records(file, text)?;
    let column = find_column(&header, &[norm(id_column).as_str()]).unwrap_or(0);
    let index: HashMap<&str, usize> = people
        .iter()
        .enumerate()
        .map(|(i, person)| (person.id.as_str(), i))
        .collect();
    let mut selected = Vec::new();
    for (line, record) in records {
        let id = record[column].trim();
        let person = *index
            .get(id)
            .ok_or_else(|| SelectionError::UnknownSelectedId {
                file: file.to_string(),
                line,
                column: column as u64 + 1,
                id: id.to_string(),
            })?;
        if selected.contains(&person) {
            return Err(SelectionError::DuplicateId {
                file: file.to_string(),
                line,
                id: id.to_string(),
                first_line: 0,
            });
        }
        selected.push(person);
    }
    selected.sort_unstable();
    Ok(selected)
}

impl Instance {
    /// Builds an instance and checks what can be checked without solving: panel size,
    /// quota values with a positive minimum that nobody in the pool has, household conflicts
    /// among already-selected people.
    pub fn new(
        features: Vec<Feature>,
        people: Vec<Person>,
        panel_size: usize,
        already_selected: Vec<usize>,
    ) -> Result<Self, SelectionError> {
        if panel_size == 0 || panel_size > people.len() {
            return Err(SelectionError::PanelSize {
                panel_size,
                pool: people.len(),
            });
        }
        if already_selected.len() > panel_size {
            return Err(SelectionError::TooManyAlreadySelected {
                already: already_selected.len(),
                panel_size,
            });
        }
        for (feature_index, feature) in features.iter().enumerate() {
            for (value_index, quota) in feature.quotas.iter().enumerate() {
                let count = people
                    .iter()
                    .filter(|person| person.values[feature_index] == value_index)
                    .count();
                if count == 0 && quota.min > 0 {
                    return Err(SelectionError::QuotaValueAbsent {
                        feature: feature.name.clone(),
                        value: quota.value.clone(),
                        min: quota.min,
                    });
                }
            }
        }
        for (position, &first) in already_selected.iter().enumerate() {
            for &second in &already_selected[position + 1..] {
                if let (Some(a), Some(b)) = (&people[first].household, &people[second].household)
                    && a == b
                {
                    return Err(SelectionError::AlreadySelectedSameHousehold {
                        first: people[first].id.clone(),
                        second: people[second].id.clone(),
                    });
                }
            }
        }
        Ok(Instance {
            features,
            people,
            panel_size,
            already_selected,
        })
    }

    /// Number of pool members with each value, indexed `[feature][value]`.
    pub fn pool_counts(&self) -> Vec<Vec<usize>> {
        let mut counts: Vec<Vec<usize>> = self
            .features
            .iter()
            .map(|feature| vec![0; feature.quotas.len()])
            .collect();
        for person in &self.people {
            for (feature_index, &value) in person.values.iter().enumerate() {
                counts[feature_index][value] += 1;
            }
        }
        counts
    }

    /// Number of members of `panel` (pool indices) with each value, indexed `[feature][value]`.
    pub fn panel_counts(&self, panel: &[usize]) -> Vec<Vec<usize>> {
        let mut counts: Vec<Vec<usize>> = self
            .features
            .iter()
            .map(|feature| vec![0; feature.quotas.len()])
            .collect();
        for &person in panel {
            for (feature_index, &value) in self.people[person].values.iter().enumerate() {
                counts[feature_index][value] += 1;
            }
        }
        counts
    }

    /// Checks a concrete panel: size, quotas, household rule, no repeated member. Returns a
    /// description of the first violation.
    pub fn check_panel(&self, panel: &[usize]) -> Result<(), String> {
        if panel.len() != self.panel_size {
            return Err(format!(
                "panel has {} members instead of {}",
                panel.len(),
                self.panel_size
            ));
        }
        let mut sorted = panel.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != panel.len() {
            return Err("panel repeats a person".to_string());
        }
        for &person in &self.already_selected {
            if !panel.contains(&person) {
                return Err(format!(
                    "already selected person {} is missing",
                    self.people[person].id
                ));
            }
        }
        let counts = self.panel_counts(panel);
        for (feature, feature_counts) in self.features.iter().zip(&counts) {
            for (quota, &count) in feature.quotas.iter().zip(feature_counts) {
                if (count as u32) < quota.min || (count as u32) > quota.max {
                    return Err(format!(
                        "{}={}: {} selected, quota {}..{}",
                        feature.name, quota.value, count, quota.min, quota.max
                    ));
                }
            }
        }
        let mut households = std::collections::HashSet::new();
        for &person in panel {
            if let Some(key) = &self.people[person].household
                && !households.insert(key)
            {
                return Err(format!(
                    "two members share the household of {}",
                    self.people[person].id
                ));
            }
        }
        Ok(())
    }
}
